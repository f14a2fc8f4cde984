using DockerOps.Core.Containers;

namespace DockerOps.Core.Engines;

/// <summary>
/// The port through which the application layer drives one Docker engine. Implementations apply
/// their own per-call timeouts and translate failures into <see cref="EngineException"/>s.
/// </summary>
public interface IContainerEngine
{
    /// <summary>The engine's name in the registry (<c>local</c> for the default one).</summary>
    string Name { get; }

    Task PingAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken);

    Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates the container and connects its extra networks; returns the new ID.</summary>
    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Returns false when the container was already running.</summary>
    Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Returns false when the container was already stopped.</summary>
    Task<bool> StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken);

    Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken);

    Task PauseContainerAsync(string id, CancellationToken cancellationToken);

    Task UnpauseContainerAsync(string id, CancellationToken cancellationToken);

    Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken);

    Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken);

    /// <summary>Streams log output, demultiplexed; ends when the engine closes the stream or the token fires.</summary>
    IAsyncEnumerable<LogChunk> ReadLogsAsync(string id, bool tty, LogQuery query, CancellationToken cancellationToken);

    Task<ContainerStats> GetStatsAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Named engines, with one default, so that more Docker hosts can be added without touching use cases.</summary>
public interface IEngineRegistry
{
    string DefaultName { get; }

    IReadOnlyCollection<string> Names { get; }

    /// <summary>The named engine, or null when no engine has that name.</summary>
    IContainerEngine? Find(string name);

    IContainerEngine Default => Find(DefaultName)!;
}
