using System.Runtime.CompilerServices;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Tests;

/// <summary>
/// A small in-memory engine that behaves like Docker where the use cases depend on it: start and
/// stop report whether anything changed, pausing a stopped container is refused, and so on.
/// </summary>
public sealed class FakeContainerEngine : IContainerEngine
{
    private readonly Dictionary<string, FakeContainer> _containers = [];
    private int _nextId = 1;

    public string Name => "local";

    /// <summary>When set, starting a container fails the way the engine does for a bad command.</summary>
    public string? StartFailure { get; set; }

    public List<string> Calls { get; } = [];

    public IReadOnlyCollection<FakeContainer> Containers => _containers.Values;

    public FakeContainer Add(string name, ContainerState state = ContainerState.Running, IReadOnlyDictionary<string, string>? labels = null)
    {
        var id = $"{_nextId++:x4}".PadRight(64, 'a');
        var container = new FakeContainer(id, name, labels ?? new Dictionary<string, string>()) { State = state };
        _containers[id] = container;
        return container;
    }

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken)
    {
        Calls.Add("list");
        IReadOnlyList<ContainerSummary> list = _containers.Values
            .Where(c => query.All || c.State == ContainerState.Running)
            .Select(c => c.Summary())
            .ToList();
        return Task.FromResult(list);
    }

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id).Details());

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Calls.Add("create");
        if (spec.Name is not null && _containers.Values.Any(c => c.Name == spec.Name))
            throw new EngineConflictException(Name, $"Conflict. The container name \"/{spec.Name}\" is already in use.");
        return Task.FromResult(Add(spec.Name ?? $"auto-{_nextId}", ContainerState.Created, spec.Labels).Id);
    }

    public Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Add("start");
        var container = Find(id);
        if (StartFailure is not null)
            throw new EngineBadRequestException(Name, StartFailure);
        if (container.State == ContainerState.Running)
            return Task.FromResult(false);
        container.State = ContainerState.Running;
        return Task.FromResult(true);
    }

    public Task<bool> StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Calls.Add("stop");
        var container = Find(id);
        if (container.State is not (ContainerState.Running or ContainerState.Paused))
            return Task.FromResult(false);
        container.State = ContainerState.Exited;
        return Task.FromResult(true);
    }

    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Calls.Add("restart");
        Find(id).State = ContainerState.Running;
        return Task.CompletedTask;
    }

    public Task PauseContainerAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Add("pause");
        var container = Find(id);
        if (container.State != ContainerState.Running)
            throw new EngineConflictException(Name, $"Container {id} is not running");
        container.State = ContainerState.Paused;
        return Task.CompletedTask;
    }

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Add("unpause");
        var container = Find(id);
        if (container.State != ContainerState.Paused)
            throw new EngineConflictException(Name, $"Container {id} is not paused");
        container.State = ContainerState.Running;
        return Task.CompletedTask;
    }

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken)
    {
        Calls.Add($"kill {signal}");
        var container = Find(id);
        if (container.State != ContainerState.Running)
            throw new EngineConflictException(Name, $"Container {id} is not running");
        container.State = ContainerState.Exited;
        return Task.CompletedTask;
    }

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken)
    {
        Calls.Add("remove");
        var container = Find(id);
        if (container.State == ContainerState.Running && !force)
            throw new EngineConflictException(Name, "You cannot remove a running container. Stop the container before attempting removal or force remove");
        _containers.Remove(id);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<LogChunk> ReadLogsAsync(string id, bool tty, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new LogChunk(LogStream.Stdout, "hello\n"u8.ToArray());
    }

    public Task<ContainerStats> GetStatsAsync(string id, CancellationToken cancellationToken)
    {
        var container = Find(id);
        return Task.FromResult(new ContainerStats(id, container.Name, DateTimeOffset.UnixEpoch, 1.5, 10, 100, 10, 0, 0, 0, 0, 1));
    }

    private FakeContainer Find(string id) =>
        _containers.TryGetValue(id, out var container) ? container : throw new EngineNotFoundException(Name, $"No such container: {id}");
}

public sealed class FakeContainer(string id, string name, IReadOnlyDictionary<string, string> labels)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public ContainerState State { get; set; }

    public ContainerSummary Summary() =>
        new(Id, Name, "busybox", State, State.ToString(), HealthStatus.None, Labels, DateTimeOffset.UnixEpoch, [],
            Labels.GetValueOrDefault(ComposeLabels.Project), Labels.GetValueOrDefault(ComposeLabels.Service));

    public ContainerDetails Details() =>
        new(Id, Name, "busybox", "sha256:0", DateTimeOffset.UnixEpoch,
            new ContainerConfig("busybox", ["sleep", "3600"], [], [], null, false, null, 0),
            new StateDetails(State, State == ContainerState.Running, State == ContainerState.Paused, false, false, false, 0, 0, null, null, null),
            new HealthReport(HealthStatus.None, 0, [], null),
            0, Labels, [], [], [], new ResourceLimits(null, null, null),
            new SecurityOptions(null, false, false, false, [], [], [], null, null, null),
            Labels.GetValueOrDefault(ComposeLabels.Project), Labels.GetValueOrDefault(ComposeLabels.Service));
}

public sealed class FakeEngineRegistry(IContainerEngine engine) : IEngineRegistry
{
    public string DefaultName => engine.Name;

    public IReadOnlyCollection<string> Names => [engine.Name];

    public IContainerEngine? Find(string name) => name == engine.Name ? engine : null;
}
