using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Discord;

/// <summary>
/// Discord's REST API with the User-Agent it asks for and its rate limits honoured: a bucket with
/// nothing remaining waits for its reset, a 429 waits <c>retry_after</c> (globally when it says so)
/// and is retried a few times, so that DockerOps stays clear of the invalid-request ban.
/// </summary>
public sealed partial class DiscordRestClient(IHttpClientFactory httpClients, IOptions<DiscordOptions> options, TimeProvider clock, ILogger<DiscordRestClient> logger)
{
    public const string HttpClientName = "discord";
    public const string UserAgent = "DiscordBot (https://github.com/dockerops/dockerops, 1.0)";
    private const int MaxAttempts = 4;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _bucketResets = new(StringComparer.Ordinal);
    private DateTimeOffset _globalReset = DateTimeOffset.MinValue;

    /// <summary>Answers an interaction received over the gateway (the HTTP endpoint answers in its response instead).</summary>
    public Task<bool> CallbackAsync(string interactionId, string token, JsonObject callback, CancellationToken cancellationToken) =>
        SendOkAsync(HttpMethod.Post, $"interactions/{interactionId}/{token}/callback", callback, authorize: false, cancellationToken);

    /// <summary>Replaces a deferred (type 5) answer with the real one.</summary>
    public Task<bool> EditOriginalAsync(string token, JsonObject message, CancellationToken cancellationToken) =>
        SendOkAsync(HttpMethod.Patch, $"webhooks/{options.Value.ApplicationId}/{token}/messages/@original", message, authorize: false, cancellationToken);

    public Task<bool> FollowUpAsync(string token, JsonObject message, CancellationToken cancellationToken) =>
        SendOkAsync(HttpMethod.Post, $"webhooks/{options.Value.ApplicationId}/{token}", message, authorize: false, cancellationToken);

    /// <summary>Posts a message as the bot (alerts).</summary>
    public Task<bool> CreateMessageAsync(string channelId, JsonObject message, CancellationToken cancellationToken) =>
        SendOkAsync(HttpMethod.Post, $"channels/{channelId}/messages", message, authorize: true, cancellationToken);

    public async Task<Uri?> GetGatewayUrlAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "gateway/bot", null, authorize: true, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return null;
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return body?["url"]?.GetValue<string>() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>Bulk-overwrites the application's commands, globally or in one guild (instant, for testing).</summary>
    public async Task<(bool Ok, int Status, string Body)> OverwriteCommandsAsync(string? guildId, JsonArray commands, CancellationToken cancellationToken)
    {
        var path = guildId is null
            ? $"applications/{options.Value.ApplicationId}/commands"
            : $"applications/{options.Value.ApplicationId}/guilds/{guildId}/commands";
        using var response = await SendAsync(HttpMethod.Put, path, commands, authorize: true, cancellationToken);
        return (response.IsSuccessStatusCode, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<bool> SendOkAsync(HttpMethod method, string path, JsonNode body, bool authorize, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, authorize, cancellationToken);
        if (!response.IsSuccessStatusCode)
            LogRefused(logger, method.Method, Redact(path), (int)response.StatusCode);
        return response.IsSuccessStatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, bool authorize, CancellationToken cancellationToken)
    {
        var route = RouteKey(method, path);
        var url = new Uri(options.Value.ApiBaseUrl.TrimEnd('/') + "/" + path);
        for (var attempt = 1; ; attempt++)
        {
            await WaitForLimitsAsync(route, cancellationToken);
            using var request = new HttpRequestMessage(method, url);
            request.Headers.UserAgent.ParseAdd(UserAgent);
            if (authorize)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bot", options.Value.BotToken);
            if (body is not null)
                request.Content = JsonContent.Create(body);

            var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            RememberBucket(route, response);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts)
                return response;

            var (wait, global) = await RetryAfterAsync(response, cancellationToken);
            LogRateLimited(logger, Redact(path), wait.TotalMilliseconds, global);
            var until = clock.GetUtcNow() + wait;
            if (global)
                _globalReset = until;
            else
                _bucketResets[route] = until;
            response.Dispose();
        }
    }

    private async Task WaitForLimitsAsync(string route, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = _globalReset;
        if (_bucketResets.TryGetValue(route, out var bucket) && bucket > until)
            until = bucket;
        if (until > now)
            await Task.Delay(until - now, clock, cancellationToken);
    }

    private void RememberBucket(string route, HttpResponseMessage response)
    {
        if (Header(response, "X-RateLimit-Remaining") == "0"
            && double.TryParse(Header(response, "X-RateLimit-Reset-After"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            _bucketResets[route] = clock.GetUtcNow() + TimeSpan.FromSeconds(seconds);
    }

    private static async Task<(TimeSpan Wait, bool Global)> RetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        double? seconds = null;
        var global = Header(response, "X-RateLimit-Global") == "true";
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            seconds = body?["retry_after"]?.GetValue<double>();
            global |= body?["global"]?.GetValue<bool>() == true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            // Some 429s (from the edge, not the API) have no JSON body; the header still says how long.
        }

        seconds ??= double.TryParse(Header(response, "Retry-After"), NumberStyles.Float, CultureInfo.InvariantCulture, out var header) ? header : 1;
        return (TimeSpan.FromSeconds(Math.Clamp(seconds.Value, 0, 60)), global);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // Limits are per route with its major parameter; tokens are not part of the key and never logged.
    private static string RouteKey(HttpMethod method, string path)
    {
        var parts = path.Split('/');
        return method.Method + " " + string.Join('/', parts.Take(2));
    }

    private static string Redact(string path)
    {
        var parts = path.Split('/');
        return parts[0] is "interactions" or "webhooks" && parts.Length > 2 ? $"{parts[0]}/{parts[1]}/…" : path;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord rate-limited {Path}; waiting {Milliseconds} ms (global: {Global})")]
    private static partial void LogRateLimited(ILogger logger, string path, double milliseconds, bool global);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord refused {Method} {Path} with {Status}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status);
}
