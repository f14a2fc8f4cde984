using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Alerts;

/// <summary>Settings under <c>Alerts:</c>: where alerts go and how hard delivery tries.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public List<AlertChannelOptions> Channels { get; set; } = [];

    /// <summary>Delivery attempts per alert and channel before it is given up (about two hours of backoff by default).</summary>
    public int MaxAttempts { get; set; } = 15;

    public double RequestTimeoutSeconds { get; set; } = 10;

    public AlertChannelOptions? Find(string name) => Channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// One alert channel. <c>discord</c>: a Discord webhook URL, or with <see cref="Token"/> (a bot token) a
/// channel's messages endpoint. <c>slack</c>: an incoming-webhook URL, or with <see cref="Token"/> (a bot
/// token) and <see cref="Channel"/> the <c>chat.postMessage</c> URL. With a bot token, incident alerts
/// carry Restart / Logs / Acknowledge buttons that chat handles (<see cref="DockerOps.Core.Alerts.AlertActions"/>).
/// <c>webhook</c>: any URL, sent JSON signed with HMAC-SHA256 of the body using <see cref="Secret"/>.
/// </summary>
public sealed class AlertChannelOptions
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string Url { get; set; } = "";
    public string? Secret { get; set; }
    public string? Token { get; set; }
    public string? Channel { get; set; }

    public AlertChannelType Kind => Type.ToLowerInvariant() switch
    {
        "discord" => AlertChannelType.Discord,
        "slack" => AlertChannelType.Slack,
        _ => AlertChannelType.Webhook,
    };
}

public enum AlertChannelType
{
    Discord,
    Slack,
    Webhook,
}

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Channels.Count; i++)
        {
            var channel = options.Channels[i];
            var at = $"Alerts:Channels:{i}";
            if (string.IsNullOrWhiteSpace(channel.Name))
                failures.Add($"{at}:Name is required.");
            else if (options.Channels.Take(i).Any(c => string.Equals(c.Name, channel.Name, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{at}:Name '{channel.Name}' is used by another channel.");
            if (channel.Type.ToLowerInvariant() is not ("discord" or "slack" or "webhook"))
                failures.Add($"{at}:Type must be discord, slack or webhook (got '{channel.Type}').");
            if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                failures.Add($"{at}:Url must be an http:// or https:// address.");
            if (channel.Kind == AlertChannelType.Slack && !string.IsNullOrEmpty(channel.Token) && string.IsNullOrWhiteSpace(channel.Channel))
                failures.Add($"{at}:Channel is required with a Slack bot token (chat.postMessage needs a channel).");
            if (channel.Kind == AlertChannelType.Discord && !string.IsNullOrEmpty(channel.Token) && url is not null && !url.AbsolutePath.TrimEnd('/').EndsWith("/messages", StringComparison.Ordinal))
                failures.Add($"{at}:Url must be the channel's messages endpoint with a Discord bot token (https://discord.com/api/v10/channels/<channel id>/messages).");
        }

        if (options.MaxAttempts is < 1 or > 100)
            failures.Add($"Alerts:MaxAttempts must be between 1 and 100 (got {options.MaxAttempts}).");
        if (options.RequestTimeoutSeconds is <= 0 or > 120)
            failures.Add($"Alerts:RequestTimeoutSeconds must be between 0 and 120 (got {options.RequestTimeoutSeconds}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
