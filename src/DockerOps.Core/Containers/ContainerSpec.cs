namespace DockerOps.Core.Containers;

/// <summary>A validated request to create a container: the guide's <c>docker create</c> / <c>docker run</c> options.</summary>
public sealed record ContainerSpec
{
    public string? Name { get; init; }
    public required string Image { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<PortBinding> Ports { get; init; } = [];
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];
    public IReadOnlyList<NetworkSpec> Networks { get; init; } = [];
    public RestartPolicySpec? RestartPolicy { get; init; }
    public HealthCheckSpec? HealthCheck { get; init; }
    public long? MemoryBytes { get; init; }
    public double? Cpus { get; init; }
    public long? PidsLimit { get; init; }
    public string? User { get; init; }
    public bool ReadOnlyRootFilesystem { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public bool NoNewPrivileges { get; init; }
    public bool Privileged { get; init; }
    /// <summary><c>host</c> or <c>container:NAME</c> to share a PID namespace; null for the container's own.</summary>
    public string? PidMode { get; init; }
    public string? IpcMode { get; init; }
    /// <summary><c>bridge</c>, <c>none</c>, <c>host</c>, <c>container:NAME</c> or a network name; null for the default.</summary>
    public string? NetworkMode { get; init; }
    public IReadOnlyList<DeviceSpec> Devices { get; init; } = [];
}

/// <summary>A host device made available inside the container (<c>docker run --device</c>).</summary>
public sealed record DeviceSpec(string PathOnHost, string PathInContainer, string Permissions);

public sealed record PortBinding(string HostIp, int? HostPort, int ContainerPort, string Protocol);

public enum MountType
{
    Volume,
    Bind,
    Tmpfs,
}

public sealed record MountSpec(MountType Type, string? Source, string Target, bool ReadOnly);

public sealed record NetworkSpec(string Name, IReadOnlyList<string> Aliases);

public sealed record RestartPolicySpec(string Name, int MaximumRetryCount);

/// <summary>A HEALTHCHECK. Engine defaults (interval 30 s, timeout 30 s, retries 3, start period 0) apply where null.</summary>
public sealed record HealthCheckSpec(
    IReadOnlyList<string> Test,
    TimeSpan? Interval,
    TimeSpan? Timeout,
    int? Retries,
    TimeSpan? StartPeriod);
