using DockerOps.Core.Common;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Images;
using DockerOps.Core.Networks;
using DockerOps.Core.Volumes;

namespace DockerOps.Core.Engines;

/// <summary>Volumes on one engine. Failures are <see cref="EngineException"/>s, as for containers.</summary>
public interface IVolumeEngine
{
    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(VolumeQuery query, CancellationToken cancellationToken);

    Task<VolumeInfo> InspectVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates the volume; returns its name (the engine chooses one when none is given).</summary>
    Task<string> CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken);

    Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken);
}

/// <summary>Networks on one engine.</summary>
public interface INetworkEngine
{
    /// <summary>Networks with their attached containers (the engine's list call leaves those out, so each is inspected).</summary>
    Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(NetworkQuery query, CancellationToken cancellationToken);

    Task<NetworkInfo> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>Creates the network; returns its ID.</summary>
    Task<string> CreateNetworkAsync(NetworkCreateSpec spec, CancellationToken cancellationToken);

    Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken cancellationToken);

    Task DisconnectAsync(string networkId, string containerId, bool force, CancellationToken cancellationToken);

    Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken);
}

/// <summary>Images on one engine.</summary>
public interface IImageEngine
{
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(ImageQuery query, CancellationToken cancellationToken);

    Task<ImageDetails> InspectImageAsync(string reference, CancellationToken cancellationToken);

    Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImageRemoval>> RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// Pulls <paramref name="image"/>:<paramref name="tag"/>, reporting each progress message as it arrives.
    /// A failure the engine reports inside the stream is thrown as an <see cref="EngineException"/>.
    /// </summary>
    Task PullImageAsync(string image, string tag, RegistryCredentials? credentials, IProgress<PullProgress> progress, CancellationToken cancellationToken);
}

/// <summary>Engine-wide facts: version, disk usage, events, and the build cache.</summary>
public interface ISystemEngine
{
    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Every image, container, volume and build-cache record with its size (the engine's <c>/system/df</c>).</summary>
    Task<DiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken);

    /// <summary>Engine events from now on, until the token fires.</summary>
    IAsyncEnumerable<EngineEvent> WatchEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Removes unused build-cache records older than <paramref name="until"/>; returns what went and the bytes reclaimed.</summary>
    Task<(IReadOnlyList<string> Removed, long Bytes)> PruneBuildCacheAsync(DateTimeOffset? until, CancellationToken cancellationToken);
}

/// <summary>Everything one engine offers, under its registry name.</summary>
public sealed record EngineResources(
    string Name,
    IContainerEngine Containers,
    IVolumeEngine Volumes,
    INetworkEngine Networks,
    IImageEngine Images,
    ISystemEngine System);

/// <summary>The named engines with all their resources; beside <see cref="IEngineRegistry"/> so container code stays as it is.</summary>
public interface IResourceEngineRegistry
{
    string DefaultName { get; }

    IReadOnlyCollection<string> Names { get; }

    EngineResources? FindResources(string name);
}

/// <summary>Engine lookup and the translation of the engine's expected refusals into values, shared by the resource use cases.</summary>
public static class EngineOutcomes
{
    public static async Task<Result<T>> WithEngineAsync<T>(IResourceEngineRegistry engines, string? engineName, Func<EngineResources, Task<Result<T>>> use)
    {
        var name = string.IsNullOrWhiteSpace(engineName) ? engines.DefaultName : engineName;
        var engine = engines.FindResources(name);
        if (engine is null)
            return Error.NotFound($"No engine is named '{name}'. Known engines: {string.Join(", ", engines.Names)}.");

        try
        {
            return await use(engine);
        }
        catch (EngineNotFoundException ex)
        {
            return Error.NotFound(ex.Message);
        }
        catch (EngineConflictException ex)
        {
            return Error.Conflict(ex.Message);
        }
        catch (EngineBadRequestException ex)
        {
            return new Error(ErrorKind.Invalid, "Rejected by the engine", ex.Message);
        }
    }
}
