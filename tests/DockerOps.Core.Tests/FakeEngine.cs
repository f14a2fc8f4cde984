using System.Runtime.CompilerServices;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Images;
using DockerOps.Core.Networks;
using DockerOps.Core.Volumes;

namespace DockerOps.Core.Tests;

/// <summary>
/// An engine port in memory for the use cases' own rules (locks, scope). Calls a test does not set up
/// answer with nothing; removals can be held open to make two operations overlap deterministically.
/// </summary>
internal sealed class FakeEngine : IContainerEngine, IVolumeEngine, INetworkEngine, IImageEngine, ISystemEngine, IResourceEngineRegistry
{
    public List<ContainerSummary> Containers { get; } = [];
    public DiskUsage Usage { get; set; } = new([], [], [], []);
    public List<EngineEvent> Events { get; } = [];
    public List<VolumeInfo> Volumes { get; } = [];
    public List<string> Removed { get; } = [];
    public TaskCompletionSource? HoldRemovals { get; set; }
    public TaskCompletionSource RemovalStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "local";
    public string DefaultName => "local";
    public IReadOnlyCollection<string> Names => ["local"];

    public EngineResources? FindResources(string name) => name == "local" ? new EngineResources("local", this, this, this, this, this) : null;

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContainerSummary>>(Containers.Where(c => query.All || c.State == ContainerState.Running).ToList());
    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken) => throw new EngineNotFoundException(Name, $"No such container: {id}");
    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => Task.FromResult("new");
    public Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task<bool> StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Task.FromResult(true);
    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken)
    {
        RemovalStarted.TrySetResult();
        if (HoldRemovals is { } hold)
            await hold.Task.WaitAsync(cancellationToken);
        Removed.Add(id);
    }

    public async IAsyncEnumerable<LogChunk> ReadLogsAsync(string id, bool tty, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<ContainerStats> GetStatsAsync(string id, CancellationToken cancellationToken) => throw new EngineNotFoundException(Name, id);

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(VolumeQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VolumeInfo>>(Volumes);
    public Task<VolumeInfo> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        Volumes.FirstOrDefault(v => v.Name == name) is { } volume ? Task.FromResult(volume) : throw new EngineNotFoundException(Name, $"no such volume: {name}");
    public Task<string> CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken) => Task.FromResult(spec.Name ?? "anon");
    public Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken)
    {
        Removed.Add(name);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(NetworkQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<NetworkInfo>>([]);
    public Task<NetworkInfo> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken) => throw new EngineNotFoundException(Name, idOrName);
    public Task<string> CreateNetworkAsync(NetworkCreateSpec spec, CancellationToken cancellationToken) => Task.FromResult("net");
    public Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DisconnectAsync(string networkId, string containerId, bool force, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(ImageQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ImageSummary>>([]);
    public Task<ImageDetails> InspectImageAsync(string reference, CancellationToken cancellationToken) => throw new EngineNotFoundException(Name, reference);
    public Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<IReadOnlyList<ImageRemoval>> RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ImageRemoval>>([]);
    public Task PullImageAsync(string image, string tag, RegistryCredentials? credentials, IProgress<PullProgress> progress, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new EngineInfo("local", "20.10", "1.41", "1.12", "Debian", "linux", "x86_64", "6", 2, 1, "overlay2", new EngineCounts(0, 0, 0, 0, 0, 0, 0)));
    public Task<DiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken) => Task.FromResult(Usage);

    public async IAsyncEnumerable<EngineEvent> WatchEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var engineEvent in Events)
        {
            await Task.Yield();
            yield return engineEvent;
        }
    }

    public Task<(IReadOnlyList<string> Removed, long Bytes)> PruneBuildCacheAsync(DateTimeOffset? until, CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<string>, long)>(([], 0));

    public static ContainerSummary Summary(string id, string name, ContainerState state, params (string Key, string Value)[] labels) =>
        new(id, name, "app:1", state, "", HealthStatus.None, labels.ToDictionary(l => l.Key, l => l.Value), DateTimeOffset.UnixEpoch, [], null, null);
}
