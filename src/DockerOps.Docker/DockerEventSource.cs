using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Docker;

/// <summary>
/// The engine's <c>/events</c> stream, read directly over the socket with HttpClient. Docker.DotNet's
/// MonitorEventsAsync has been reported to hold the last event back until the next arrives
/// (Docker.DotNet issue 576), and it cannot say when the subscription is in place; both matter here:
/// an alert must not wait for an unrelated event, and reconciling must start only once the stream is
/// live so that nothing falls between the list and the first event.
/// </summary>
public sealed class DockerEventSource : IEngineEventSource, IDisposable
{
    private static readonly string[] Actions = ["health_status", "kill", "die", "oom", "start", "restart", "stop", "destroy"];

    private readonly DockerEngineSettings _settings;
    private readonly HttpClient _http;
    private readonly EngineCalls _calls;

    public DockerEventSource(DockerEngineSettings settings)
    {
        _settings = settings;
        _calls = new EngineCalls(settings.Name);
        var endpoint = settings.ClientEndpoint;
        var handler = new SocketsHttpHandler { ConnectTimeout = settings.CallTimeout };
        if (endpoint.Scheme == "unix")
        {
            var path = endpoint.LocalPath;
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            endpoint = new Uri("http://docker.sock/");
        }

        // The stream stays open for as long as we watch: only the caller's token ends it.
        _http = new HttpClient(handler) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name => _settings.Name;

    public async IAsyncEnumerable<ContainerEvent> WatchEventsAsync(IReadOnlyList<string> labels, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, string[]>
        {
            ["type"] = ["container"],
            ["event"] = Actions,
        };
        if (labels.Count > 0)
            filters["label"] = labels.ToArray();
        var query = "/events?filters=" + Uri.EscapeDataString(JsonSerializer.Serialize(filters));

        using var response = await _calls.RunAsync("subscribe to events", _settings.CallTimeout, cancellationToken, async token =>
        {
            var answer = await _http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
            {
                var status = (int)answer.StatusCode;
                answer.Dispose();
                throw new EngineFailureException(Name, $"The engine '{Name}' refused the event subscription ({status}).", status);
            }

            return answer;
        }).ConfigureAwait(false);

        yield return ContainerEvent.Subscribed(DateTimeOffset.UtcNow);

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body);
        while (true)
        {
            // One JSON object per line; each line is handed over as soon as it is complete.
            var line = await _calls.RunAsync("read events", Timeout.InfiniteTimeSpan, cancellationToken,
                async token => await reader.ReadLineAsync(token).ConfigureAwait(false) ?? "\0").ConfigureAwait(false);
            if (line == "\0")
                yield break;
            if (line.Length == 0)
                continue;
            if (Parse(line) is { } parsed)
                yield return parsed;
        }
    }

    /// <summary>One engine event line to a domain event; null for anything not understood.</summary>
    public static ContainerEvent? Parse(string line)
    {
        try
        {
            var message = JsonSerializer.Deserialize<EventMessage>(line);
            if (message?.Actor?.ID is not { Length: > 0 } id || message.Action is null)
                return null;
            var attributes = message.Actor.Attributes ?? [];
            var name = attributes.GetValueOrDefault("name") ?? id[..Math.Min(12, id.Length)];
            var time = message.TimeNano > 0
                ? DateTimeOffset.UnixEpoch.AddTicks(message.TimeNano / 100)
                : DateTimeOffset.FromUnixTimeSeconds(message.Time);
            // Attributes mix the container's labels with a few of the engine's own keys.
            var labels = attributes.Where(a => a.Key is not ("name" or "image" or "exitCode" or "signal")).ToDictionary(a => a.Key, a => a.Value);
            var action = message.Action;
            ContainerEvent Make(EngineEventKind kind, HealthStatus? health = null, long? exit = null, string? signal = null) =>
                new(kind, id, name, time, labels, health, exit, signal);

            if (action.StartsWith("health_status", StringComparison.Ordinal))
                return Make(EngineEventKind.HealthStatus, Mapping.ParseHealth(action[(action.IndexOf(':') + 1)..].Trim()));
            return action switch
            {
                "kill" => Make(EngineEventKind.Kill, signal: attributes.GetValueOrDefault("signal")),
                "die" => Make(EngineEventKind.Die, exit: long.TryParse(attributes.GetValueOrDefault("exitCode"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null),
                "oom" => Make(EngineEventKind.Oom),
                "start" => Make(EngineEventKind.Start),
                "restart" => Make(EngineEventKind.Restart),
                "stop" => Make(EngineEventKind.Stop),
                "destroy" => Make(EngineEventKind.Destroy),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed class EventMessage
    {
        public string? Type { get; set; }
        public string? Action { get; set; }
        public EventActor? Actor { get; set; }

        [System.Text.Json.Serialization.JsonPropertyName("time")]
        public long Time { get; set; }

        [System.Text.Json.Serialization.JsonPropertyName("timeNano")]
        public long TimeNano { get; set; }
    }

    private sealed class EventActor
    {
        public string? ID { get; set; }
        public Dictionary<string, string>? Attributes { get; set; }
    }
}
