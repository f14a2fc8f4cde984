using DockerOps.Core.Containers;

namespace DockerOps.Core.Engines;

/// <summary>The container events the health watch acts on; everything else is filtered out at the engine.</summary>
public enum EngineEventKind
{
    /// <summary>Not an engine event: the stream is open, so everything after it is live. Reconcile now.</summary>
    Subscribed,
    HealthStatus,
    Kill,
    Die,
    Oom,
    Start,
    Restart,
    Stop,
    Destroy,
}

/// <summary>
/// One container event. <see cref="Health"/> is set for health changes, <see cref="ExitCode"/> for
/// <c>die</c>, <see cref="Signal"/> for <c>kill</c>. Labels are the container's, as the engine sends them.
/// </summary>
public sealed record ContainerEvent(
    EngineEventKind Kind,
    string ContainerId,
    string ContainerName,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> Labels,
    HealthStatus? Health = null,
    long? ExitCode = null,
    string? Signal = null)
{
    public static ContainerEvent Subscribed(DateTimeOffset time) => new(EngineEventKind.Subscribed, "", "", time, new Dictionary<string, string>());
}

/// <summary>
/// The port to one engine's event stream. The stream first yields <see cref="EngineEventKind.Subscribed"/>
/// once the engine has accepted the subscription, then container events as they happen; it ends or
/// throws an <see cref="EngineException"/> when the connection breaks, and the caller reconnects.
/// </summary>
public interface IEngineEventSource
{
    string Name { get; }

    /// <param name="labels">Only containers carrying all of these (<c>key</c> or <c>key=value</c>).</param>
    IAsyncEnumerable<ContainerEvent> WatchEventsAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken);
}

/// <summary>The event streams of the configured engines, by engine name.</summary>
public interface IEngineEventSources
{
    IReadOnlyCollection<string> Names { get; }

    IEngineEventSource? Find(string name);
}
