using System.Net;
using System.Text.RegularExpressions;
using DockerOps.Core.Common;

namespace DockerOps.Core.Containers;

/// <summary>
/// A create request as callers write it (durations and sizes as the docker CLI writes them).
/// <see cref="ToSpec"/> checks every value and names the first bad field.
/// </summary>
public sealed partial record CreateContainerRequest
{
    public string? Name { get; init; }
    public string? Image { get; init; }
    public List<string>? Command { get; init; }
    public Dictionary<string, string>? Env { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public List<PortRequest>? Ports { get; init; }
    public List<MountRequest>? Mounts { get; init; }
    public List<NetworkRequest>? Networks { get; init; }
    /// <summary><c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c> or <c>on-failure:N</c>.</summary>
    public string? RestartPolicy { get; init; }
    public HealthCheckRequest? Healthcheck { get; init; }
    /// <summary>Memory limit as <c>docker run --memory</c> takes it, e.g. <c>256m</c>.</summary>
    public string? Memory { get; init; }
    public double? Cpus { get; init; }
    public long? PidsLimit { get; init; }
    public string? User { get; init; }
    public bool? ReadOnly { get; init; }
    public List<string>? CapAdd { get; init; }
    public List<string>? CapDrop { get; init; }
    public bool? NoNewPrivileges { get; init; }
    public bool? Privileged { get; init; }
    /// <summary><c>host</c> or <c>container:NAME</c>; refused unless the service allows host namespaces.</summary>
    public string? PidMode { get; init; }
    public string? IpcMode { get; init; }
    /// <summary><c>bridge</c>, <c>none</c>, <c>host</c>, <c>container:NAME</c> or a network name.</summary>
    public string? NetworkMode { get; init; }
    /// <summary>Host devices as <c>docker run --device</c> takes them: <c>/dev/fuse</c> or <c>/dev/sda:/dev/xvda:rwm</c>.</summary>
    public List<string>? Devices { get; init; }
    /// <summary>Start the container once it is created (<c>docker run</c> rather than <c>docker create</c>).</summary>
    public bool? Start { get; init; }

    [GeneratedRegex(@"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ContainerNamePattern();

    [GeneratedRegex(@"^(CAP_)?[A-Z_]+$|^ALL$")]
    private static partial Regex CapabilityPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex VolumeNamePattern();

    public Result<ContainerSpec> ToSpec()
    {
        if (string.IsNullOrWhiteSpace(Image))
            return Error.Invalid("image", "An image is required.");
        if (Name is not null && !ContainerNamePattern().IsMatch(Name))
            return Error.Invalid("name", "A container name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+.");
        if (Command is not null && Command.Any(part => part is null))
            return Error.Invalid("command", "Command parts cannot be null.");

        foreach (var (key, value) in Env ?? [])
        {
            if (key.Length == 0 || key.Contains('='))
                return Error.Invalid($"env.{key}", "An environment variable name cannot be empty or contain '='.");
            if (value is null)
                return Error.Invalid($"env.{key}", "An environment variable needs a value (use \"\" for empty).");
        }

        foreach (var (key, value) in Labels ?? [])
        {
            if (key.Length == 0)
                return Error.Invalid("labels", "A label key cannot be empty.");
            if (value is null)
                return Error.Invalid($"labels.{key}", "A label needs a value (use \"\" for empty).");
        }

        var ports = new List<PortBinding>();
        for (var i = 0; i < (Ports?.Count ?? 0); i++)
        {
            var port = Ports![i];
            var field = $"ports[{i}]";
            if (port.ContainerPort is not (>= 1 and <= 65535))
                return Error.Invalid($"{field}.containerPort", "A container port must be between 1 and 65535.");
            if (port.HostPort is not null and not (>= 0 and <= 65535))
                return Error.Invalid($"{field}.hostPort", "A host port must be between 0 and 65535 (0 or absent: any free port).");
            var protocol = (port.Protocol ?? "tcp").ToLowerInvariant();
            if (protocol is not ("tcp" or "udp" or "sctp"))
                return Error.Invalid($"{field}.protocol", "The protocol must be tcp, udp or sctp.");
            // Published ports default to loopback: exposing a container beyond this host is a choice to make explicitly.
            var hostIp = port.HostIp ?? "127.0.0.1";
            if (!IPAddress.TryParse(hostIp, out _))
                return Error.Invalid($"{field}.hostIp", $"'{hostIp}' is not an IP address.");
            ports.Add(new PortBinding(hostIp, port.HostPort is 0 ? null : port.HostPort, port.ContainerPort.Value, protocol));
        }

        var mounts = new List<MountSpec>();
        for (var i = 0; i < (Mounts?.Count ?? 0); i++)
        {
            var mount = Mounts![i];
            var field = $"mounts[{i}]";
            if (!Enum.TryParse<MountType>(mount.Type, ignoreCase: true, out var type) || int.TryParse(mount.Type, out _))
                return Error.Invalid($"{field}.type", "A mount type must be volume, bind or tmpfs.");
            if (string.IsNullOrWhiteSpace(mount.Target) || !mount.Target.StartsWith('/'))
                return Error.Invalid($"{field}.target", "A mount target must be an absolute path inside the container.");
            switch (type)
            {
                case MountType.Bind when string.IsNullOrWhiteSpace(mount.Source) || !mount.Source.StartsWith('/'):
                    return Error.Invalid($"{field}.source", "A bind mount needs an absolute host path as its source.");
                case MountType.Volume when mount.Source is not null && !VolumeNamePattern().IsMatch(mount.Source):
                    return Error.Invalid($"{field}.source", "A volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (omit it for an anonymous volume).");
                case MountType.Tmpfs when mount.Source is not null:
                    return Error.Invalid($"{field}.source", "A tmpfs mount has no source.");
            }

            mounts.Add(new MountSpec(type, mount.Source, mount.Target, mount.ReadOnly ?? false));
        }

        var networks = new List<NetworkSpec>();
        for (var i = 0; i < (Networks?.Count ?? 0); i++)
        {
            var network = Networks![i];
            if (string.IsNullOrWhiteSpace(network.Name))
                return Error.Invalid($"networks[{i}].name", "A network name is required.");
            networks.Add(new NetworkSpec(network.Name, network.Aliases ?? []));
        }

        var restart = ParseRestartPolicy(RestartPolicy);
        if (!restart.IsOk)
            return restart.Error!;

        var health = ParseHealthCheck(Healthcheck);
        if (!health.IsOk)
            return health.Error!;

        long? memory = null;
        if (Memory is not null)
        {
            // The engine's own floor is 6 MiB; below it the create call fails with a less helpful message.
            if (!ByteSize.TryParse(Memory, out var bytes) || bytes < 6L << 20)
                return Error.Invalid("memory", "Memory must be a size of at least 6m, such as 256m or 1g.");
            memory = bytes;
        }

        if (Cpus is not null and not (> 0 and <= 1024))
            return Error.Invalid("cpus", "cpus must be greater than 0 (for example 0.5 or 2).");
        if (PidsLimit is not null and not (> 0 or -1))
            return Error.Invalid("pidsLimit", "pidsLimit must be a positive number (or -1 for unlimited).");

        for (var i = 0; i < (CapAdd?.Count ?? 0); i++)
        {
            if (CapAdd![i] is null || !CapabilityPattern().IsMatch(CapAdd[i]))
                return Error.Invalid($"capAdd[{i}]", $"'{CapAdd[i]}' is not a capability name (such as NET_BIND_SERVICE).");
        }

        for (var i = 0; i < (CapDrop?.Count ?? 0); i++)
        {
            if (CapDrop![i] is null || !CapabilityPattern().IsMatch(CapDrop[i]))
                return Error.Invalid($"capDrop[{i}]", $"'{CapDrop[i]}' is not a capability name (such as ALL or NET_RAW).");
        }

        foreach (var (field, mode) in new[] { ("pidMode", PidMode), ("ipcMode", IpcMode), ("networkMode", NetworkMode) })
        {
            if (mode is not null && (mode.Length == 0 || mode.Any(char.IsWhiteSpace)))
                return Error.Invalid(field, $"{field} must be a mode such as host or container:NAME.");
        }

        if (NetworkMode is not null && networks.Count > 0)
            return Error.Invalid("networkMode", "Use either networkMode or networks, not both.");

        var devices = new List<DeviceSpec>();
        for (var i = 0; i < (Devices?.Count ?? 0); i++)
        {
            var parts = (Devices![i] ?? "").Split(':');
            if (parts.Length > 3 || !parts[0].StartsWith('/') || parts.Skip(1).Take(1).Any(p => !p.StartsWith('/'))
                || (parts.Length == 3 && (parts[2].Length == 0 || parts[2].Any(c => c is not ('r' or 'w' or 'm')))))
                return Error.Invalid($"devices[{i}]", "A device is HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]], such as /dev/fuse or /dev/sda:/dev/xvda:rwm.");
            devices.Add(new DeviceSpec(parts[0], parts.Length > 1 ? parts[1] : parts[0], parts.Length > 2 ? parts[2] : "rwm"));
        }

        return new ContainerSpec
        {
            Name = Name?.TrimStart('/'),
            Image = Image.Trim(),
            Command = Command,
            Env = Env ?? [],
            Labels = Labels ?? [],
            Ports = ports,
            Mounts = mounts,
            Networks = networks,
            RestartPolicy = restart.Value,
            HealthCheck = health.Value,
            MemoryBytes = memory,
            Cpus = Cpus,
            PidsLimit = PidsLimit,
            User = User,
            ReadOnlyRootFilesystem = ReadOnly ?? false,
            CapAdd = CapAdd ?? [],
            CapDrop = CapDrop ?? [],
            NoNewPrivileges = NoNewPrivileges ?? false,
            Privileged = Privileged ?? false,
            PidMode = PidMode,
            IpcMode = IpcMode,
            NetworkMode = NetworkMode,
            Devices = devices,
        };
    }

    private static Result<RestartPolicySpec?> ParseRestartPolicy(string? text)
    {
        if (text is null)
            return (RestartPolicySpec?)null;
        var parts = text.Split(':', 2);
        return parts[0] switch
        {
            "no" or "always" or "unless-stopped" when parts.Length == 1 => new RestartPolicySpec(parts[0], 0),
            "on-failure" when parts.Length == 1 => new RestartPolicySpec("on-failure", 0),
            "on-failure" when int.TryParse(parts[1], out var retries) && retries >= 0 => new RestartPolicySpec("on-failure", retries),
            _ => Error.Invalid("restartPolicy", "The restart policy must be no, always, unless-stopped, on-failure or on-failure:N."),
        };
    }

    private static Result<HealthCheckSpec?> ParseHealthCheck(HealthCheckRequest? request)
    {
        if (request is null)
            return (HealthCheckSpec?)null;
        if (request.Test is null || request.Test.Count == 0 || request.Test.Any(string.IsNullOrEmpty))
            return Error.Invalid("healthcheck.test", "A health check needs a test, such as [\"CMD-SHELL\", \"wget -q -O- localhost || exit 1\"].");

        // The engine wants the form spelled out; a bare command is what `docker run --health-cmd` would run through the shell.
        List<string> test = request.Test[0] switch
        {
            "CMD" or "CMD-SHELL" or "NONE" => request.Test,
            _ when request.Test.Count == 1 => ["CMD-SHELL", request.Test[0]],
            _ => ["CMD", .. request.Test],
        };
        if (test[0] != "NONE" && test.Count < 2)
            return Error.Invalid("healthcheck.test", $"A {test[0]} health check needs a command after it.");

        TimeSpan? interval = null, timeout = null, startPeriod = null;
        if (request.Interval is not null)
        {
            if (!DockerDuration.TryParse(request.Interval, out var value) || value < TimeSpan.FromMilliseconds(1))
                return Error.Invalid("healthcheck.interval", "interval must be a duration such as 1s or 1m30s (at least 1ms).");
            interval = value;
        }

        if (request.Timeout is not null)
        {
            if (!DockerDuration.TryParse(request.Timeout, out var value) || value < TimeSpan.FromMilliseconds(1))
                return Error.Invalid("healthcheck.timeout", "timeout must be a duration such as 1s or 30s (at least 1ms).");
            timeout = value;
        }

        if (request.StartPeriod is not null)
        {
            if (!DockerDuration.TryParse(request.StartPeriod, out var value))
                return Error.Invalid("healthcheck.startPeriod", "startPeriod must be a duration such as 0s or 1m.");
            startPeriod = value;
        }

        if (request.Retries is < 0)
            return Error.Invalid("healthcheck.retries", "retries cannot be negative.");

        return new HealthCheckSpec(test, interval, timeout, request.Retries, startPeriod);
    }
}

public sealed record PortRequest(string? HostIp, int? HostPort, int? ContainerPort, string? Protocol);

public sealed record MountRequest(string? Type, string? Source, string? Target, bool? ReadOnly);

public sealed record NetworkRequest(string? Name, List<string>? Aliases);

public sealed record HealthCheckRequest(List<string>? Test, string? Interval, string? Timeout, int? Retries, string? StartPeriod);
