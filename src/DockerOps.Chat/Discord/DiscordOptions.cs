using DockerOps.Chat.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Discord;

/// <summary>Settings under <c>Discord:</c>. With none set, Discord is off.</summary>
public sealed class DiscordOptions
{
    public const string Section = "Discord";
    public const string GatewayMode = "gateway";
    public const string HttpMode = "http";

    public string? ApplicationId { get; set; }

    /// <summary>The application's Ed25519 public key (hex): checks requests to the HTTP interactions endpoint.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Needed for the gateway and for registering the /docker command.</summary>
    public string? BotToken { get; set; }

    /// <summary><c>gateway</c> (the default, as with Discord.Net; no public URL needed) or <c>http</c>.</summary>
    public string Mode { get; set; } = GatewayMode;

    public string ApiBaseUrl { get; set; } = "https://discord.com/api/v10";

    public bool Enabled => !string.IsNullOrWhiteSpace(ApplicationId) || !string.IsNullOrWhiteSpace(PublicKey) || !string.IsNullOrWhiteSpace(BotToken);

    public bool UsesGateway => Enabled && Mode.Equals(GatewayMode, StringComparison.OrdinalIgnoreCase);

    public bool UsesHttp => Enabled && Mode.Equals(HttpMode, StringComparison.OrdinalIgnoreCase);

    internal List<string> Problems { get; } = [];

    internal static void LoadSecrets(DiscordOptions options, IConfigurationSection section)
    {
        options.BotToken = ChatSecrets.Read(section, nameof(BotToken), options.Problems);
        options.PublicKey = ChatSecrets.Read(section, nameof(PublicKey), options.Problems);
    }
}

internal sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        var failures = new List<string>(options.Problems);
        if (!options.Enabled)
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        if (!ulong.TryParse(options.ApplicationId, out _))
            failures.Add("Discord is partly configured: Discord:ApplicationId is missing or not a snowflake.");
        if (!options.UsesGateway && !options.UsesHttp)
            failures.Add($"Discord:Mode must be gateway or http (got '{options.Mode}').");
        if (options.UsesHttp && string.IsNullOrWhiteSpace(options.PublicKey))
            failures.Add("Discord is partly configured: Discord:PublicKey is missing (needed in http mode; or Discord:PublicKey_FILE).");
        if (!string.IsNullOrWhiteSpace(options.PublicKey) && (options.PublicKey.Length != 64 || !options.PublicKey.All(char.IsAsciiHexDigit)))
            failures.Add("Discord:PublicKey must be the 64 hex characters shown in the developer portal.");
        if (options.UsesGateway && string.IsNullOrWhiteSpace(options.BotToken))
            failures.Add("Discord is partly configured: Discord:BotToken is missing (needed in gateway mode; or Discord:BotToken_FILE).");
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            failures.Add($"Discord:ApiBaseUrl must be an http(s) URL (got '{options.ApiBaseUrl}').");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
