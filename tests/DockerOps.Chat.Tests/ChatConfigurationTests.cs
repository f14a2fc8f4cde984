using DockerOps.Chat.Discord;
using DockerOps.Chat.Identity;
using DockerOps.Chat.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Tests;

public sealed class ChatConfigurationTests
{
    private static T Options<T>(Dictionary<string, string?> settings) where T : class
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddChat(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider().GetRequiredService<IOptions<T>>().Value;
    }

    private static string Failure<T>(Dictionary<string, string?> settings) where T : class =>
        Assert.Throws<OptionsValidationException>(() => Options<T>(settings)).Message;

    [Fact]
    public void Platforms_with_no_settings_are_off()
    {
        Assert.False(Options<SlackOptions>([]).Enabled);
        Assert.False(Options<DiscordOptions>([]).Enabled);
    }

    [Fact]
    public void A_half_configured_slack_names_the_missing_setting()
    {
        Assert.Contains("Slack:BotToken is missing", Failure<SlackOptions>(new() { ["Slack:SigningSecret"] = "s" }));
        Assert.Contains("Slack:SigningSecret (HTTP endpoints) or Slack:AppToken (Socket Mode) is missing", Failure<SlackOptions>(new() { ["Slack:BotToken"] = "xoxb" }));
    }

    [Fact]
    public void A_half_configured_discord_names_the_missing_setting()
    {
        Assert.Contains("Discord:BotToken is missing", Failure<DiscordOptions>(new() { ["Discord:ApplicationId"] = "1" }));
        Assert.Contains("Discord:PublicKey is missing", Failure<DiscordOptions>(new() { ["Discord:ApplicationId"] = "1", ["Discord:Mode"] = "http" }));
        Assert.Contains("Discord:ApplicationId is missing", Failure<DiscordOptions>(new() { ["Discord:BotToken"] = "t" }));
        Assert.Contains("Discord:Mode must be gateway or http", Failure<DiscordOptions>(new() { ["Discord:ApplicationId"] = "1", ["Discord:BotToken"] = "t", ["Discord:Mode"] = "webhook" }));
    }

    [Fact]
    public void Secrets_can_come_from_files_and_an_unreadable_file_is_named()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-a-file\n");
            var slack = Options<SlackOptions>(new() { ["Slack:SigningSecret_FILE"] = file, ["Slack:BotToken_FILE"] = file });
            Assert.Equal(("from-a-file", "from-a-file"), (slack.SigningSecret, slack.BotToken));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("Slack:AppToken_FILE cannot be read (/nonexistent/app-token)", Failure<SlackOptions>(new() { ["Slack:AppToken_FILE"] = "/nonexistent/app-token" }));
    }

    [Fact]
    public void Identities_must_name_a_platform_one_id_and_a_role()
    {
        var message = Failure<ChatOptions>(new()
        {
            ["Chat:Identities:0:Platform"] = "teams",
            ["Chat:Identities:0:UserId"] = "U1",
            ["Chat:Identities:0:Role"] = "operator",
            ["Chat:Identities:1:Platform"] = "slack",
            ["Chat:Identities:1:RoleId"] = "R1",
            ["Chat:Identities:1:Role"] = "root",
            ["Chat:DefaultRole"] = "superuser",
        });

        Assert.Contains("Chat:Identities:0:Platform must be slack or discord (got 'teams')", message);
        Assert.Contains("Chat:Identities:1:RoleId is for Discord only", message);
        Assert.Contains("Chat:Identities:1:Role must be viewer, operator or admin (got 'root')", message);
        Assert.Contains("Chat:DefaultRole must be viewer, operator or admin (got 'superuser')", message);
    }
}
