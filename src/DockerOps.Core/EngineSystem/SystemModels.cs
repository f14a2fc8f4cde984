using DockerOps.Core.Containers;

namespace DockerOps.Core.EngineSystem;

// The folder and namespace are not called "System": a DockerOps.Core.System namespace would shadow the BCL's inside Core.

public sealed record EngineInfo(
    string Engine,
    string EngineVersion,
    string ApiVersion,
    string MinApiVersion,
    string OperatingSystem,
    string OsType,
    string Architecture,
    string KernelVersion,
    long Cpus,
    long MemoryBytes,
    string StorageDriver,
    EngineCounts Counts);

public sealed record EngineCounts(long Containers, long Running, long Paused, long Stopped, long Images, long Volumes, long Networks);

/// <summary>What the engine's <c>/system/df</c> reports, item by item; sizes are -1 where the engine does not know them.</summary>
public sealed record DiskUsage(
    IReadOnlyList<ImageUsage> Images,
    IReadOnlyList<ContainerUsage> Containers,
    IReadOnlyList<VolumeUsage> Volumes,
    IReadOnlyList<BuildCacheUsage> BuildCache);

public sealed record ImageUsage(string Id, IReadOnlyList<string> Tags, string? ParentId, DateTimeOffset Created, long SizeBytes, long SharedBytes, long Containers, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>What removing this image alone would free: layers shared with other images stay.</summary>
    public long UniqueBytes => SharedBytes > 0 ? Math.Max(0, SizeBytes - SharedBytes) : SizeBytes;

    public bool Dangling => Tags.Count == 0 || Tags.All(t => t == "<none>:<none>");
}

public sealed record ContainerUsage(string Id, string Name, string Image, string ImageId, ContainerState State, DateTimeOffset Created, long WritableBytes, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Volumes);

public sealed record VolumeUsage(string Name, string Driver, DateTimeOffset? Created, long SizeBytes, long RefCount, IReadOnlyDictionary<string, string> Labels);

public sealed record BuildCacheUsage(string Id, string Type, long SizeBytes, bool InUse, bool Shared, DateTimeOffset? LastUsed);

public enum ResourceKind
{
    Images,
    Containers,
    Volumes,
    BuildCache,
}

/// <summary>One line of <c>docker system df</c>.</summary>
public sealed record DiskUsageLine(ResourceKind Kind, int Total, int Active, long SizeBytes, long ReclaimableBytes);

public sealed record DiskUsageReport(IReadOnlyList<DiskUsageLine> Kinds, long TotalBytes, long ReclaimableBytes);

public sealed record EventQuery(IReadOnlyList<string>? Types = null, IReadOnlyList<string>? Labels = null);

/// <summary>One engine event. <see cref="Attributes"/> carry the object's name and, for containers, its labels.</summary>
public sealed record EngineEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset Time);

public static class EventTypes
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "container", "image", "volume", "network", "daemon", "plugin", "node", "service", "secret", "config",
    };
}
