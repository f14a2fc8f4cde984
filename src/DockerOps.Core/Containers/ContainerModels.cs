namespace DockerOps.Core.Containers;

/// <summary>The guide's container states, as the engine reports them.</summary>
public enum ContainerState
{
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

/// <summary>Health as the engine's HEALTHCHECK reports it; <see cref="None"/> when the container has no check.</summary>
public enum HealthStatus
{
    None,
    Starting,
    Healthy,
    Unhealthy,
}

public sealed record PortMapping(string? HostIp, int? HostPort, int ContainerPort, string Protocol);

/// <summary>One row of a container list: what is cheap to get from the engine's list call (never sizes).</summary>
public sealed record ContainerSummary(
    string Id,
    string Name,
    string Image,
    ContainerState State,
    string Status,
    HealthStatus Health,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created,
    IReadOnlyList<PortMapping> Ports,
    string? Project,
    string? Service);

public sealed record MountInfo(
    string Type,
    string? Name,
    string? Source,
    string Destination,
    bool ReadOnly,
    string? Driver);

public sealed record NetworkAttachment(string Name, string? IpAddress, string? Gateway, string? MacAddress, IReadOnlyList<string> Aliases);

public sealed record HealthProbe(DateTimeOffset Start, DateTimeOffset End, long ExitCode, string Output);

public sealed record HealthReport(HealthStatus Status, long FailingStreak, IReadOnlyList<HealthProbe> Log, HealthCheckSpec? Check);

public sealed record StateDetails(
    ContainerState Status,
    bool Running,
    bool Paused,
    bool Restarting,
    bool OomKilled,
    bool Dead,
    long Pid,
    long ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

public sealed record ResourceLimits(long? MemoryBytes, double? Cpus, long? PidsLimit);

public sealed record SecurityOptions(
    string? User,
    bool Privileged,
    bool ReadOnlyRootFilesystem,
    bool NoNewPrivileges,
    IReadOnlyList<string> CapAdd,
    IReadOnlyList<string> CapDrop,
    IReadOnlyList<string> SecurityOpt,
    string? NetworkMode,
    string? PidMode,
    string? IpcMode);

public sealed record ContainerConfig(
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> EnvNames,
    string? WorkingDir,
    bool Tty,
    string? RestartPolicy,
    long RestartMaxRetries);

/// <summary>
/// Everything an operator wants to know about one container. Environment values are not carried:
/// they often hold secrets, so only the variable names are reported.
/// </summary>
public sealed record ContainerDetails(
    string Id,
    string Name,
    string Image,
    string ImageId,
    DateTimeOffset Created,
    ContainerConfig Config,
    StateDetails State,
    HealthReport Health,
    long RestartCount,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<PortMapping> Ports,
    IReadOnlyList<MountInfo> Mounts,
    IReadOnlyList<NetworkAttachment> Networks,
    ResourceLimits Limits,
    SecurityOptions Security,
    string? Project,
    string? Service);

public sealed record ContainerStats(
    string Id,
    string Name,
    DateTimeOffset Read,
    double CpuPercent,
    long MemoryUsageBytes,
    long MemoryLimitBytes,
    double MemoryPercent,
    long NetworkRxBytes,
    long NetworkTxBytes,
    long BlockReadBytes,
    long BlockWriteBytes,
    long Pids);

/// <summary>The result of a lifecycle action: where the container ended up and whether anything changed.</summary>
public sealed record ContainerActionResult(string Id, string Name, string Action, ContainerState State, bool Changed);

/// <summary>Filters for listing. Label filters are <c>key</c> or <c>key=value</c>, as the docker CLI takes them.</summary>
public sealed record ContainerQuery(
    bool All = false,
    IReadOnlyList<string>? Labels = null,
    string? Name = null,
    ContainerState? State = null,
    HealthStatus? Health = null);

public enum LogStream
{
    Stdout,
    Stderr,
}

public sealed record LogQuery(
    int Tail,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    bool Timestamps,
    bool Stdout,
    bool Stderr,
    bool Follow);

/// <summary>A piece of log output, already separated from the engine's stream multiplexing.</summary>
public readonly record struct LogChunk(LogStream Stream, ReadOnlyMemory<byte> Data);

/// <summary>Compose labels, as docker compose writes them.</summary>
public static class ComposeLabels
{
    public const string Project = "com.docker.compose.project";
    public const string Service = "com.docker.compose.service";
}
