using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Slack;

/// <summary>
/// Slack Socket Mode, for workspaces that cannot reach DockerOps over HTTP: opens a WebSocket URL
/// with apps.connections.open, acknowledges every envelope by its ID (with the slash command's
/// first answer as payload), and opens a new connection on <c>disconnect</c> or any drop.
/// </summary>
public sealed partial class SlackSocketModeClient(
    IOptions<SlackOptions> options, SlackApiClient slack, SlackConversation conversation, TimeProvider clock, ILogger<SlackSocketModeClient> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Connections opened so far; tests watch reconnects with it.</summary>
    public int Connections { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SocketMode)
            return;
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var url = await slack.OpenSocketModeConnectionAsync(stoppingToken);
                if (url is not null)
                {
                    using var socket = new ClientWebSocket();
                    await socket.ConnectAsync(url, stoppingToken);
                    Connections++;
                    LogConnected(logger, Connections);
                    backoff = TimeSpan.FromSeconds(1);
                    await ReceiveAsync(new WebSocketText(socket), stoppingToken);
                    continue;
                }
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or JsonException or IOException)
            {
                LogDropped(logger, ex.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(backoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task ReceiveAsync(WebSocketText socket, CancellationToken stoppingToken)
    {
        while (await socket.ReceiveAsync(stoppingToken) is { } text)
        {
            var envelope = JsonNode.Parse(text)?.AsObject();
            var type = envelope?["type"]?.GetValue<string>();
            if (type == "disconnect")
            {
                await socket.CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, "reconnecting");
                return;
            }

            if (envelope?["envelope_id"]?.GetValue<string>() is not { } envelopeId)
                continue;
            // Each envelope is handled on its own so that a slow command does not hold up the next one's ack.
            _ = Task.Run(() => HandleAsync(socket, envelopeId, type, envelope["payload"] as JsonObject, stoppingToken), stoppingToken);
        }
    }

    private async Task HandleAsync(WebSocketText socket, string envelopeId, string? type, JsonObject? payload, CancellationToken stoppingToken)
    {
        try
        {
            var ack = new JsonObject { ["envelope_id"] = envelopeId };
            if (type == "slash_commands" && payload?["user_id"]?.GetValue<string>() is { } userId)
            {
                var command = new SlackCommand(userId, Text(payload, "user_name"), Text(payload, "channel_id"), Text(payload, "text"), Text(payload, "response_url"));
                ack["payload"] = await conversation.AnswerCommandAsync(command);
            }
            else if (type == "interactive" && SlackEndpoints.ParseClick(payload?.ToJsonString()) is { } click)
            {
                conversation.HandleClick(click);
            }

            await socket.SendAsync(ack.ToJsonString(), stoppingToken);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            LogAckFailed(logger, envelopeId, ex.Message);
        }
    }

    private static string? Text(JsonObject payload, string name) => payload[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode connected (connection {Count})")]
    private static partial void LogConnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode envelope {EnvelopeId} was not acknowledged: {Reason}")]
    private static partial void LogAckFailed(ILogger logger, string envelopeId, string reason);
}
