using System.Globalization;
using Docker.DotNet.Models;
using DockerOps.Core.Containers;
using CoreHealthStatus = DockerOps.Core.Containers.HealthStatus;
using PortBinding = Docker.DotNet.Models.PortBinding;

namespace DockerOps.Docker;

/// <summary>Engine wire types to domain types, in one place.</summary>
internal static class Mapping
{
    public static ContainerSummary ToSummary(EngineContainerListItem c)
    {
        var labels = (IReadOnlyDictionary<string, string>?)c.Labels?.AsReadOnly() ?? new Dictionary<string, string>();
        return new ContainerSummary(
            c.Id,
            c.Names is { Length: > 0 } names ? names[0].TrimStart('/') : c.Id[..Math.Min(12, c.Id.Length)],
            c.Image ?? "",
            ParseState(c.State),
            c.Status ?? "",
            HealthFromStatus(c.Status),
            labels,
            DateTimeOffset.FromUnixTimeSeconds(c.Created),
            c.Ports?.Select(p => new PortMapping(NullIfEmpty(p.IP), p.PublicPort == 0 ? null : p.PublicPort, p.PrivatePort, p.Type ?? "tcp")).ToList() ?? [],
            labels.GetValueOrDefault(ComposeLabels.Project),
            labels.GetValueOrDefault(ComposeLabels.Service));
    }

    public static ContainerDetails ToDetails(ContainerInspectResponse c)
    {
        var labels = (IReadOnlyDictionary<string, string>?)c.Config?.Labels?.AsReadOnly() ?? new Dictionary<string, string>();
        var host = c.HostConfig ?? new HostConfig();
        var config = c.Config ?? new Config();
        var state = c.State ?? new global::Docker.DotNet.Models.ContainerState();
        var securityOpt = host.SecurityOpt?.ToList() ?? [];
        return new ContainerDetails(
            c.ID,
            c.Name.TrimStart('/'),
            config.Image ?? c.Image,
            c.Image,
            new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)),
            new ContainerConfig(
                config.Image ?? c.Image,
                config.Cmd?.ToList() ?? [],
                config.Entrypoint?.ToList() ?? [],
                // Values are left out on purpose: environment variables often carry secrets.
                config.Env?.Select(e => e.Split('=', 2)[0]).ToList() ?? [],
                NullIfEmpty(config.WorkingDir),
                config.Tty,
                RestartPolicyName(host.RestartPolicy),
                host.RestartPolicy?.MaximumRetryCount ?? 0),
            new StateDetails(
                ParseState(state.Status),
                state.Running,
                state.Paused,
                state.Restarting,
                state.OOMKilled,
                state.Dead,
                state.Pid,
                state.ExitCode,
                NullIfEmpty(state.Error),
                ParseTime(state.StartedAt),
                ParseTime(state.FinishedAt)),
            new HealthReport(
                ParseHealth(state.Health?.Status),
                state.Health?.FailingStreak ?? 0,
                state.Health?.Log?.Select(l => new HealthProbe(
                    new DateTimeOffset(DateTime.SpecifyKind(l.Start, DateTimeKind.Utc)),
                    new DateTimeOffset(DateTime.SpecifyKind(l.End, DateTimeKind.Utc)),
                    l.ExitCode,
                    l.Output ?? "")).ToList() ?? [],
                ToHealthCheck(config.Healthcheck)),
            c.RestartCount,
            labels,
            (c.NetworkSettings?.Ports ?? new Dictionary<string, IList<PortBinding>>())
                .SelectMany(p => (p.Value ?? []).DefaultIfEmpty().Select(binding => ToPort(p.Key, binding)))
                .ToList(),
            c.Mounts?.Select(m => new MountInfo(m.Type, NullIfEmpty(m.Name), NullIfEmpty(m.Source), m.Destination, !m.RW, NullIfEmpty(m.Driver))).ToList() ?? [],
            c.NetworkSettings?.Networks?.Select(n => new Core.Containers.NetworkAttachment(
                n.Key,
                NullIfEmpty(n.Value.IPAddress),
                NullIfEmpty(n.Value.Gateway),
                NullIfEmpty(n.Value.MacAddress),
                n.Value.Aliases?.ToList() ?? [])).ToList() ?? [],
            new ResourceLimits(
                host.Memory > 0 ? host.Memory : null,
                host.NanoCPUs > 0 ? host.NanoCPUs / 1e9 : null,
                host.PidsLimit is > 0 ? host.PidsLimit : null),
            new SecurityOptions(
                NullIfEmpty(config.User),
                host.Privileged,
                host.ReadonlyRootfs,
                securityOpt.Any(o => o is "no-new-privileges" or "no-new-privileges:true" or "no-new-privileges=true"),
                host.CapAdd?.ToList() ?? [],
                host.CapDrop?.ToList() ?? [],
                securityOpt,
                NullIfEmpty(host.NetworkMode),
                NullIfEmpty(host.PidMode),
                NullIfEmpty(host.IpcMode)),
            labels.GetValueOrDefault(ComposeLabels.Project),
            labels.GetValueOrDefault(ComposeLabels.Service));
    }

    public static Core.Containers.ContainerState ParseState(string? state) => state?.ToLowerInvariant() switch
    {
        "created" => Core.Containers.ContainerState.Created,
        "running" => Core.Containers.ContainerState.Running,
        "paused" => Core.Containers.ContainerState.Paused,
        "restarting" => Core.Containers.ContainerState.Restarting,
        "removing" => Core.Containers.ContainerState.Removing,
        "dead" => Core.Containers.ContainerState.Dead,
        _ => Core.Containers.ContainerState.Exited,
    };

    public static CoreHealthStatus ParseHealth(string? health) => health?.ToLowerInvariant() switch
    {
        "starting" => CoreHealthStatus.Starting,
        "healthy" => CoreHealthStatus.Healthy,
        "unhealthy" => CoreHealthStatus.Unhealthy,
        _ => CoreHealthStatus.None,
    };

    /// <summary>The list call carries health only inside its status text: "Up 3 minutes (healthy)".</summary>
    public static CoreHealthStatus HealthFromStatus(string? status)
    {
        if (status is null || !status.EndsWith(')'))
            return CoreHealthStatus.None;
        if (status.EndsWith("(healthy)", StringComparison.Ordinal))
            return CoreHealthStatus.Healthy;
        if (status.EndsWith("(unhealthy)", StringComparison.Ordinal))
            return CoreHealthStatus.Unhealthy;
        if (status.EndsWith("(health: starting)", StringComparison.Ordinal))
            return CoreHealthStatus.Starting;
        return CoreHealthStatus.None;
    }

    public static string EngineState(Core.Containers.ContainerState state) => state.ToString().ToLowerInvariant();

    public static string EngineHealth(CoreHealthStatus health) => health.ToString().ToLowerInvariant();

    private static HealthCheckSpec? ToHealthCheck(HealthConfig? check) =>
        check?.Test is not { Count: > 0 }
            ? null
            : new HealthCheckSpec(
                check.Test.ToList(),
                check.Interval > TimeSpan.Zero ? check.Interval : null,
                check.Timeout > TimeSpan.Zero ? check.Timeout : null,
                check.Retries > 0 ? (int)check.Retries : null,
                check.StartPeriod > 0 ? TimeSpan.FromTicks(check.StartPeriod / 100) : null);

    private static PortMapping ToPort(string key, PortBinding? binding)
    {
        var parts = key.Split('/');
        var containerPort = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var protocol = parts.Length > 1 ? parts[1] : "tcp";
        int? hostPort = binding is not null && int.TryParse(binding.HostPort, out var parsed) ? parsed : null;
        return new PortMapping(NullIfEmpty(binding?.HostIP), hostPort, containerPort, protocol);
    }

    private static string? RestartPolicyName(RestartPolicy? policy) => policy?.Name switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.OnFailure => "on-failure",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        RestartPolicyKind.No => "no",
        _ => null,
    };

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time
            : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
