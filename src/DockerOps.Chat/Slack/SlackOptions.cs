using DockerOps.Chat.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Slack;

/// <summary>Settings under <c>Slack:</c>. With none set, Slack is off.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Checks that HTTP requests come from Slack (slash commands, button clicks).</summary>
    public string? SigningSecret { get; set; }

    /// <summary><c>xoxb-...</c>: posts messages (chat.postMessage).</summary>
    public string? BotToken { get; set; }

    /// <summary><c>xapp-...</c>: Socket Mode, for workspaces that cannot reach DockerOps over HTTP.</summary>
    public string? AppToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://slack.com/api";

    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret) || !string.IsNullOrWhiteSpace(BotToken) || !string.IsNullOrWhiteSpace(AppToken);

    public bool SocketMode => !string.IsNullOrWhiteSpace(AppToken);

    internal List<string> Problems { get; } = [];

    internal static void LoadSecrets(SlackOptions options, IConfigurationSection section)
    {
        options.SigningSecret = ChatSecrets.Read(section, nameof(SigningSecret), options.Problems);
        options.BotToken = ChatSecrets.Read(section, nameof(BotToken), options.Problems);
        options.AppToken = ChatSecrets.Read(section, nameof(AppToken), options.Problems);
    }
}

internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var failures = new List<string>(options.Problems);
        if (!options.Enabled)
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        if (string.IsNullOrWhiteSpace(options.BotToken))
            failures.Add("Slack is partly configured: Slack:BotToken is missing (set it or Slack:BotToken_FILE).");
        if (string.IsNullOrWhiteSpace(options.SigningSecret) && string.IsNullOrWhiteSpace(options.AppToken))
            failures.Add("Slack is partly configured: Slack:SigningSecret (HTTP endpoints) or Slack:AppToken (Socket Mode) is missing.");
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            failures.Add($"Slack:ApiBaseUrl must be an http(s) URL (got '{options.ApiBaseUrl}').");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
