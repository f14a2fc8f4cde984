using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Core.Alerts;
using DockerOps.Core.Incidents;

namespace DockerOps.Jobs.Alerts;

/// <summary>What one attempt to deliver came to. <see cref="RetryAfter"/> is the receiver's own wish (429).</summary>
public sealed record DeliveryResult(bool Delivered, bool Retryable, int? Status, string Message, TimeSpan? RetryAfter = null);

/// <summary>Formats an alert for each kind of channel and posts it, classifying the answer.</summary>
public sealed class AlertSender(IHttpClientFactory clients)
{
    public const string HttpClientName = "alerts";
    public const string SignatureHeader = "X-DockerOps-Signature";
    public const string DeliveryHeader = "X-DockerOps-Delivery";
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(10);

    public async Task<DeliveryResult> SendAsync(AlertChannelOptions channel, Alert alert, string deliveryId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url);
        var body = channel.Kind switch
        {
            AlertChannelType.Discord => Discord(alert, channel),
            AlertChannelType.Slack => Slack(alert, channel),
            _ => Webhook(alert, deliveryId),
        };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // Discord's edge refuses requests without a recognisable User-Agent.
        request.Headers.UserAgent.ParseAdd("DockerOps/1.0 (+https://github.com/dockerops)");
        request.Headers.TryAddWithoutValidation(DeliveryHeader, deliveryId);
        if (channel.Kind == AlertChannelType.Webhook && !string.IsNullOrEmpty(channel.Secret))
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(channel.Secret, bytes));
        if (channel.Kind == AlertChannelType.Slack && !string.IsNullOrEmpty(channel.Token))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Token);
        if (channel.Kind == AlertChannelType.Discord && !string.IsNullOrEmpty(channel.Token))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", channel.Token);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return Classify(channel, response, text);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(false, true, null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryResult(false, true, null, $"could not reach the receiver: {ex.HttpRequestError}");
        }
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of the exact body bytes.</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static DeliveryResult Classify(AlertChannelOptions channel, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
            return new DeliveryResult(false, true, status, "rate limited", RetryAfter(response, text));
        if (response.IsSuccessStatusCode)
        {
            // chat.postMessage reports its errors in a 200: {"ok": false, "error": "channel_not_found"}.
            if (channel.Kind == AlertChannelType.Slack && !string.IsNullOrEmpty(channel.Token))
            {
                var ok = TryParse(text);
                if (ok?["ok"]?.GetValueKind() == JsonValueKind.False)
                {
                    var error = (string?)ok["error"] ?? "unknown_error";
                    return new DeliveryResult(false, error is "ratelimited" or "internal_error" or "service_unavailable" or "request_timeout", status, $"Slack refused: {error}");
                }
            }

            return new DeliveryResult(true, false, status, "delivered");
        }

        var retryable = status is 408 or >= 500;
        var snippet = text.Length > 200 ? text[..200] : text;
        return new DeliveryResult(false, retryable, status, $"the receiver answered {status}{(snippet.Length > 0 ? ": " + snippet : "")}");
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, string text)
    {
        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        if (wait is null && TryParse(text)?["retry_after"] is JsonValue seconds && seconds.TryGetValue<double>(out var value))
            wait = TimeSpan.FromSeconds(value);
        if (wait is null && response.Headers.TryGetValues("X-RateLimit-Reset-After", out var resetAfter)
            && double.TryParse(resetAfter.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var reset))
            wait = TimeSpan.FromSeconds(reset);
        if (wait is null)
            return null;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestRetryAfter ? LongestRetryAfter : wait;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int Color(AlertKind kind) => kind switch
    {
        AlertKind.Opened => 0xD62828,
        AlertKind.Escalated => 0xF77F00,
        AlertKind.Resolved => 0x2A9D8F,
        _ => 0x457B9D,
    };

    private static string Icon(AlertKind kind) => kind switch
    {
        AlertKind.Opened => "🔴",
        AlertKind.Escalated => "🟠",
        AlertKind.Resolved => "🟢",
        _ => "🔵",
    };

    /// <summary>The facts every channel shows, in order.</summary>
    private static List<(string Name, string Value)> Facts(Alert alert)
    {
        var facts = new List<(string, string)>
        {
            ("Container", $"{alert.ContainerName} ({Short(alert.ContainerId)})"),
            ("Engine", alert.Engine),
        };
        if (alert.Cause is { } cause)
            facts.Add(("Cause", cause.Name()));
        facts.Add(("Since", alert.Since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)));
        if (alert.ExitCode is { } code)
            facts.Add(("Exit code", code.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrWhiteSpace(alert.ProbeOutput))
            facts.Add(("Last probe output", Trim(alert.ProbeOutput, 500)));
        return facts;
    }

    private static string LogBlock(Alert alert, int limit) =>
        alert.LogLines.Count == 0 ? "" : "```\n" + Trim(string.Join('\n', alert.LogLines).Replace("```", "'''"), limit) + "\n```";

    private static JsonObject Discord(Alert alert, AlertChannelOptions channel)
    {
        var description = alert.Summary + (alert.LogLines.Count > 0 ? $"\nLast {alert.LogLines.Count} log lines:\n" + LogBlock(alert, 3500) : "");
        var message = new JsonObject
        {
            ["username"] = "DockerOps",
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
            ["embeds"] = new JsonArray(new JsonObject
            {
                ["title"] = Trim($"{Icon(alert.Kind)} {alert.Title}", 256),
                ["description"] = Trim(description, 4096),
                ["color"] = Color(alert.Kind),
                ["timestamp"] = alert.RaisedAt.ToString("O", CultureInfo.InvariantCulture),
                ["fields"] = new JsonArray(Facts(alert).Select(f => (JsonNode)new JsonObject
                {
                    ["name"] = f.Name,
                    ["value"] = Trim(f.Value, 1024),
                    ["inline"] = f.Name is not "Last probe output",
                }).ToArray()),
                ["footer"] = new JsonObject { ["text"] = $"alert {alert.Id}" },
            }),
        };
        if (string.IsNullOrEmpty(channel.Token))
            return message;
        // A bot posts under its own name; and only a bot's message can carry buttons whose clicks come back to DockerOps.
        message.Remove("username");
        if (AlertActions.For(alert) is { Count: > 0 } actions)
        {
            message["components"] = new JsonArray(new JsonObject
            {
                ["type"] = 1,
                ["components"] = new JsonArray(actions.Select(a => (JsonNode)new JsonObject
                {
                    ["type"] = 2,
                    ["style"] = a.Primary ? 1 : 2,
                    ["label"] = a.Label,
                    ["custom_id"] = a.Id,
                }).ToArray()),
            });
        }

        return message;
    }

    private static JsonObject Slack(Alert alert, AlertChannelOptions channel)
    {
        var facts = Facts(alert);
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Trim($"{Icon(alert.Kind)} {alert.Title}", 150) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Trim(alert.Summary, 3000) } },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(facts.Select(f => (JsonNode)new JsonObject { ["type"] = "mrkdwn", ["text"] = Trim($"*{f.Name}*\n{f.Value}", 2000) }).ToArray()),
            },
        };
        if (alert.LogLines.Count > 0)
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"Last {alert.LogLines.Count} log lines:\n" + LogBlock(alert, 2800) } });
        // Interactive buttons reach DockerOps only from the app's own messages (chat.postMessage with its bot token).
        if (!string.IsNullOrEmpty(channel.Token) && AlertActions.For(alert) is { Count: > 0 } actions)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(actions.Select(a =>
                {
                    var button = new JsonObject
                    {
                        ["type"] = "button",
                        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = a.Label },
                        ["action_id"] = a.Id,
                        ["value"] = a.Argument,
                    };
                    if (a.Primary)
                        button["style"] = "primary";
                    return (JsonNode)button;
                }).ToArray()),
            });
        }
        var message = new JsonObject
        {
            // The fallback text is what notifications and screen readers show.
            ["text"] = Trim($"{alert.Title}: {alert.Summary} ({string.Join(", ", facts.Select(f => $"{f.Name}: {f.Value}"))})", 3000),
            ["blocks"] = blocks,
        };
        if (!string.IsNullOrEmpty(channel.Token))
            message["channel"] = channel.Channel;
        return message;
    }

    private static JsonObject Webhook(Alert alert, string deliveryId) => new()
    {
        ["deliveryId"] = deliveryId,
        ["alertId"] = alert.Id,
        ["kind"] = alert.Kind.ToString().ToLowerInvariant(),
        ["incidentId"] = alert.IncidentId,
        ["title"] = alert.Title,
        ["summary"] = alert.Summary,
        ["engine"] = alert.Engine,
        ["container"] = new JsonObject { ["id"] = alert.ContainerId, ["name"] = alert.ContainerName },
        ["cause"] = alert.Cause is { } cause ? cause.Name() : null,
        ["since"] = alert.Since.ToString("O", CultureInfo.InvariantCulture),
        ["raisedAt"] = alert.RaisedAt.ToString("O", CultureInfo.InvariantCulture),
        ["exitCode"] = alert.ExitCode,
        ["probeOutput"] = alert.ProbeOutput,
        ["logLines"] = new JsonArray(alert.LogLines.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
    };

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Trim(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";
}
