using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Slack;

/// <summary>
/// Slack's Web API and response URLs over plain HTTP. Slack reports API errors as 200 with
/// <c>ok:false</c>; a 429 carries Retry-After in seconds, which is honoured a few times.
/// </summary>
public sealed partial class SlackApiClient(IHttpClientFactory httpClients, IOptions<SlackOptions> options, TimeProvider clock, ILogger<SlackApiClient> logger)
{
    public const string HttpClientName = "slack";
    private const int MaxAttempts = 3;

    /// <summary>Posts a delayed answer to a slash command's or click's response_url (at most 5 per 30 minutes, by Slack's rule).</summary>
    public async Task PostToResponseUrlAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            LogBadResponseUrl(logger);
            return;
        }

        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(message) }, cancellationToken);
        if (!response.IsSuccessStatusCode)
            LogSlackRefused(logger, "response_url", (int)response.StatusCode);
    }

    public async Task<JsonObject?> PostMessageAsync(string channel, JsonObject message, CancellationToken cancellationToken)
    {
        message["channel"] = channel;
        return await CallAsync("chat.postMessage", options.Value.BotToken, message, cancellationToken);
    }

    /// <summary>A fresh Socket Mode WebSocket URL (apps.connections.open with the app-level token).</summary>
    public async Task<Uri?> OpenSocketModeConnectionAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("apps.connections.open", options.Value.AppToken, null, cancellationToken);
        return answer?["url"]?.GetValue<string>() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
    }

    private async Task<JsonObject?> CallAsync(string method, string? token, JsonObject? body, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Value.ApiBaseUrl.TrimEnd('/') + "/" + method);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = body is null ? new FormUrlEncodedContent([]) : JsonContent.Create(body),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        if (answer?["ok"]?.GetValue<bool>() != true)
        {
            LogSlackError(logger, method, (int)response.StatusCode, answer?["error"]?.ToString() ?? "no error given");
            return null;
        }

        return answer;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts)
                return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} answered {Status}: {Error}")]
    private static partial void LogSlackError(ILogger logger, string method, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack refused a post to {Target} with {Status}")]
    private static partial void LogSlackRefused(ILogger logger, string target, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Slack request carried no usable response_url")]
    private static partial void LogBadResponseUrl(ILogger logger);
}
