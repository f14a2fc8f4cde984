using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Discord;

/// <summary>
/// Discord's gateway, for bots with no public URL: hello, identify, heartbeats (first one after a
/// random part of the interval, a missing ACK means a dead connection), resume on
/// <c>resume_gateway_url</c> after drops and op 7, a fresh identify after op 9 false and the close
/// codes that end a session, and no reconnect at all on the codes that say the setup is wrong.
/// Interactions that arrive here are answered over HTTP.
/// </summary>
public sealed partial class DiscordGatewayClient(
    IOptions<DiscordOptions> options, DiscordRestClient rest, DiscordInteractions interactions, ChatDelivery delivery, TimeProvider clock, ILogger<DiscordGatewayClient> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private string? _sessionId;
    private Uri? _resumeUrl;
    private long? _sequence;

    private enum SessionEnd
    {
        Resume,
        Identify,
        Fatal,
    }

    /// <summary>Connections opened so far (tests watch reconnects with it).</summary>
    public int Connections { get; private set; }

    /// <summary>Set when Discord closed with a code that forbids reconnecting; the client has stopped.</summary>
    public int? FatalCloseCode { get; private set; }

    /// <summary>Events dispatched so far, by name (READY, RESUMED, INTERACTION_CREATE...).</summary>
    public IReadOnlyList<string> Dispatches => _dispatches.ToArray();

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _dispatches = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.UsesGateway)
            return;
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            SessionEnd end;
            try
            {
                var resume = _sessionId is not null && _resumeUrl is not null;
                var url = resume ? _resumeUrl : await rest.GetGatewayUrlAsync(stoppingToken);
                if (url is null)
                {
                    LogNoGatewayUrl(logger);
                    end = SessionEnd.Identify;
                }
                else
                {
                    end = await RunSessionAsync(WithVersion(url), resume, stoppingToken);
                    backoff = TimeSpan.FromSeconds(1);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or JsonException or IOException or InvalidOperationException)
            {
                LogDropped(logger, ex.Message);
                end = SessionEnd.Resume;
            }

            if (end == SessionEnd.Fatal)
                return;
            if (end == SessionEnd.Identify)
                _sessionId = null;
            await Task.Delay(backoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task<SessionEnd> RunSessionAsync(Uri url, bool resume, CancellationToken stoppingToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, stoppingToken);
        Connections++;
        var gateway = new WebSocketText(socket);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

        var hello = await ReceivePayloadAsync(gateway, session.Token);
        if (hello is null || Int(hello["op"]) != 10 || hello["d"]?["heartbeat_interval"] is not JsonValue intervalValue)
            return SessionEnd.Resume;
        var interval = TimeSpan.FromMilliseconds(intervalValue.GetValue<double>());
        var heartbeat = new Heartbeat();
        var beating = HeartbeatAsync(gateway, interval, heartbeat, session);

        try
        {
            if (resume)
                await SendAsync(gateway, new JsonObject { ["op"] = 6, ["d"] = new JsonObject { ["token"] = options.Value.BotToken, ["session_id"] = _sessionId, ["seq"] = _sequence } }, session.Token);
            else
                await SendAsync(gateway, Identify(), session.Token);

            while (true)
            {
                JsonObject? payload;
                try
                {
                    payload = await ReceivePayloadAsync(gateway, session.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    LogZombie(logger);
                    return SessionEnd.Resume;
                }

                if (payload is null)
                    return ForCloseCode((int?)socket.CloseStatus);

                switch (Int(payload["op"]))
                {
                    case 0:
                        Dispatch(payload, stoppingToken);
                        break;
                    case 1:
                        await SendAsync(gateway, new JsonObject { ["op"] = 1, ["d"] = _sequence }, session.Token);
                        break;
                    case 7:
                        await gateway.CloseQuietlyAsync((WebSocketCloseStatus)4000, "reconnect requested");
                        return SessionEnd.Resume;
                    case 9:
                        var resumable = payload["d"] is JsonValue d && d.GetValueKind() == JsonValueKind.True;
                        await gateway.CloseQuietlyAsync((WebSocketCloseStatus)4000, "invalid session");
                        if (resumable)
                            return SessionEnd.Resume;
                        _sessionId = null;
                        // Discord asks for a random wait of 1 to 5 s before identifying again.
                        await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(4000)), clock, stoppingToken);
                        return SessionEnd.Identify;
                    case 11:
                        heartbeat.Acked = true;
                        break;
                }
            }
        }
        finally
        {
            await session.CancelAsync();
            await beating.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private SessionEnd ForCloseCode(int? code)
    {
        switch (code)
        {
            case 4004 or 4010 or 4011 or 4012 or 4013 or 4014:
                FatalCloseCode = code;
                LogFatalClose(logger, code.Value);
                return SessionEnd.Fatal;
            case 4001 or 4003 or 4005 or 4007 or 4009:
                LogClosed(logger, code.Value, "identifying anew");
                return SessionEnd.Identify;
            default:
                LogClosed(logger, code ?? 0, "resuming");
                return SessionEnd.Resume;
        }
    }

    private void Dispatch(JsonObject payload, CancellationToken stoppingToken)
    {
        if (payload["s"] is JsonValue s && s.GetValueKind() == JsonValueKind.Number)
            _sequence = s.GetValue<long>();
        var name = payload["t"]?.GetValue<string>() ?? "";
        _dispatches.Enqueue(name);
        switch (name)
        {
            case "READY":
                _sessionId = payload["d"]?["session_id"]?.GetValue<string>();
                _resumeUrl = payload["d"]?["resume_gateway_url"]?.GetValue<string>() is { } resume && Uri.TryCreate(resume, UriKind.Absolute, out var uri) ? uri : null;
                break;
            case "INTERACTION_CREATE" when payload["d"] is JsonObject interaction:
                delivery.Track(async ct =>
                {
                    var answer = await interactions.AnswerAsync(interaction);
                    var id = interaction["id"]?.GetValue<string>();
                    var token = interaction["token"]?.GetValue<string>();
                    if (id is null || token is null)
                        return;
                    if (await rest.CallbackAsync(id, token, answer.Callback, ct) && answer.AfterCallback is { } after)
                        await after(ct);
                });
                break;
        }
    }

    private async Task HeartbeatAsync(WebSocketText gateway, TimeSpan interval, Heartbeat heartbeat, CancellationTokenSource session)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), clock, session.Token);
            while (!session.IsCancellationRequested)
            {
                if (!heartbeat.Acked)
                {
                    // No ACK since the last beat: the connection is dead though it looks open. Close with a
                    // code other than 1000/1001 so that the session can be resumed.
                    await gateway.CloseQuietlyAsync((WebSocketCloseStatus)4000, "heartbeat not acknowledged");
                    await session.CancelAsync();
                    return;
                }

                heartbeat.Acked = false;
                await SendAsync(gateway, new JsonObject { ["op"] = 1, ["d"] = _sequence }, session.Token);
                await Task.Delay(interval, clock, session.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The session is over; the receive loop decides what comes next.
        }
    }

    private JsonObject Identify() => new()
    {
        ["op"] = 2,
        ["d"] = new JsonObject
        {
            ["token"] = options.Value.BotToken,
            // INTERACTION_CREATE needs no intent.
            ["intents"] = 0,
            ["properties"] = new JsonObject { ["os"] = "linux", ["browser"] = "dockerops", ["device"] = "dockerops" },
        },
    };

    private static async Task<JsonObject?> ReceivePayloadAsync(WebSocketText gateway, CancellationToken cancellationToken) =>
        await gateway.ReceiveAsync(cancellationToken) is { } text ? JsonNode.Parse(text) as JsonObject : null;

    private static Task SendAsync(WebSocketText gateway, JsonObject payload, CancellationToken cancellationToken) =>
        gateway.SendAsync(payload.ToJsonString(), cancellationToken);

    private static Uri WithVersion(Uri url) => new UriBuilder(url) { Query = "v=10&encoding=json" }.Uri;

    private static int Int(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : -1;

    private sealed class Heartbeat
    {
        private volatile bool _acked = true;

        public bool Acked
        {
            get => _acked;
            set => _acked = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gave no gateway URL; retrying")]
    private static partial void LogNoGatewayUrl(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gateway connection dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gateway did not acknowledge a heartbeat; reconnecting")]
    private static partial void LogZombie(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord gateway closed with {Code}; {Next}")]
    private static partial void LogClosed(ILogger logger, int code, string next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord gateway closed with {Code}, which forbids reconnecting; check the token and intents")]
    private static partial void LogFatalClose(ILogger logger, int code);
}
