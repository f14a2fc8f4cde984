using DockerOps.Chat.Commands;
using DockerOps.Chat.Confirmations;
using DockerOps.Chat.Discord;
using DockerOps.Chat.Identity;
using DockerOps.Chat.Slack;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat;

/// <summary>Chat-ops in the host: one line for services, one for endpoints. Platforms with no settings stay off.</summary>
public static class ChatSetup
{
    /// <summary>The data folder every store of DockerOps keeps its files in.</summary>
    public const string DataFolderSetting = "DOCKEROPS_DATA";

    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatOptions>().Bind(configuration.GetSection(ChatOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(_ => DockerCommands.Create());
        services.AddSingleton<ChatIdentities>();
        // In the data folder, read when first needed (hosts, and test hosts, may still add configuration).
        services.AddSingleton(p => new ConfirmationStore(
            Path.Combine(configuration[DataFolderSetting] is { Length: > 0 } folder ? folder : Path.Combine(".", "data"), ConfirmationStore.FileName),
            p.GetRequiredService<CommandRegistry>(), p.GetRequiredService<ChatIdentities>(), p.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChatCommandRunner>();
        services.AddSingleton<ChatDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<ChatDelivery>());

        var slack = configuration.GetSection(SlackOptions.Section);
        services.AddOptions<SlackOptions>().Bind(slack).PostConfigure(options => SlackOptions.LoadSecrets(options, slack)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();
        services.AddHttpClient(SlackApiClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SlackSignatureVerifier>();
        services.AddSingleton<SlackApiClient>();
        services.AddSingleton<SlackConversation>();
        services.AddHostedService<SlackSocketModeClient>();

        var discord = configuration.GetSection(DiscordOptions.Section);
        services.AddOptions<DiscordOptions>().Bind(discord).PostConfigure(options => DiscordOptions.LoadSecrets(options, discord)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>();
        services.AddHttpClient(DiscordRestClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(provider => new DiscordSignatureVerifier(provider.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey));
        services.AddSingleton<DiscordRestClient>();
        services.AddSingleton<DiscordInteractions>();
        services.AddSingleton<DiscordGatewayClient>();
        services.AddHostedService(provider => provider.GetRequiredService<DiscordGatewayClient>());
        return services;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder routes)
    {
        var slack = routes.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (slack.Enabled && !string.IsNullOrEmpty(slack.SigningSecret))
            routes.MapSlack();
        var discord = routes.ServiceProvider.GetRequiredService<IOptions<DiscordOptions>>().Value;
        if (discord.UsesHttp)
            routes.MapDiscord();
        return routes;
    }
}
