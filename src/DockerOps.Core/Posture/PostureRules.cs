using DockerOps.Core.Containers;

namespace DockerOps.Core.Posture;

/// <summary>
/// The guide's runtime-security advice as rules over an inspected container: non-root user,
/// <c>--cap-drop=ALL</c> plus only what is needed, no high-risk capabilities, <c>--read-only</c>,
/// <c>no-new-privileges</c>, resource limits, a health check, a pinned image tag, and no host
/// namespaces, Docker socket or sensitive host paths.
/// </summary>
public static class PostureRules
{
    /// <summary>The guide's "high-risk capabilities to always drop", all granted by default.</summary>
    public static readonly IReadOnlyList<string> HighRiskDefaults = ["DAC_OVERRIDE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID"];

    /// <summary>Capabilities that hand over the host or close to it when added.</summary>
    private static readonly IReadOnlySet<string> CriticalAdded = new HashSet<string>(StringComparer.Ordinal) { "ALL", "SYS_ADMIN", "SYS_MODULE" };

    private static readonly IReadOnlySet<string> HighRiskAdded = new HashSet<string>(StringComparer.Ordinal)
    {
        "DAC_OVERRIDE", "DAC_READ_SEARCH", "NET_RAW", "NET_ADMIN", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
        "SYS_PTRACE", "SYS_RAWIO", "SYS_TIME", "SYS_BOOT", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG",
    };

    /// <summary>Host paths whose bind mount gives a container the host's secrets or control of it.</summary>
    private static readonly string[] SensitivePaths =
        ["/etc", "/root", "/proc", "/sys", "/boot", "/dev", "/var/lib/docker", "/var/run", "/run", "/home", "/usr", "/lib", "/bin", "/sbin", "/var/lib/kubelet"];

    public static IReadOnlyList<Finding> Evaluate(ContainerDetails container)
    {
        var findings = new List<Finding>();
        var security = container.Security;

        if (security.Privileged)
        {
            findings.Add(new("privileged", Severity.Critical, "Runs privileged",
                "--privileged gives every capability and every host device; escaping to the host is trivial.",
                "Remove --privileged and add only the capabilities the process needs (--cap-add)."));
        }

        foreach (var mount in container.Mounts.Where(m => m.Type == "bind" && m.Source is not null))
        {
            var source = mount.Source!.TrimEnd('/');
            if (source.EndsWith("docker.sock", StringComparison.Ordinal))
            {
                findings.Add(new("docker-socket", Severity.Critical, "Docker socket mounted",
                    $"'{mount.Source}' is mounted at '{mount.Destination}': whoever controls this container controls the engine, and so the host.",
                    "Do not mount the Docker socket; if a tool must reach the engine, put a filtering proxy in between."));
            }
            else if (source.Length == 0 || SensitivePaths.Any(p => source == p || source.StartsWith(p + "/", StringComparison.Ordinal)))
            {
                findings.Add(new("sensitive-host-path", Severity.High, "Sensitive host path mounted",
                    $"Host path '{mount.Source}' is mounted at '{mount.Destination}'{(mount.ReadOnly ? " (read-only)" : " read-write")}.",
                    "Mount a named volume or a dedicated data folder instead of host system paths."));
            }
        }

        if (security.NetworkMode == "host")
        {
            findings.Add(new("host-network", Severity.High, "Shares the host's network namespace",
                "--network host exposes every host interface and local-only service to the container.",
                "Use a user-defined bridge network and publish only the ports needed, on 127.0.0.1 where possible."));
        }

        if (security.PidMode == "host")
        {
            findings.Add(new("host-pid", Severity.High, "Shares the host's process namespace",
                "--pid host lets the container see and signal every process on the host.",
                "Remove --pid host."));
        }

        var added = security.CapAdd.Select(Normalize).ToList();
        foreach (var capability in added.Where(c => CriticalAdded.Contains(c) || HighRiskAdded.Contains(c)).Distinct())
        {
            findings.Add(new("capability-added", CriticalAdded.Contains(capability) ? Severity.Critical : Severity.High,
                $"High-risk capability {capability} added",
                $"--cap-add {capability}: {Describe(capability)}",
                $"Drop {capability} unless the process cannot work without it (--cap-drop=ALL, then add only what is needed)."));
        }

        var dropped = security.CapDrop.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        if (!security.Privileged && !dropped.Contains("ALL"))
        {
            var kept = HighRiskDefaults.Where(c => !dropped.Contains(c) && !added.Contains(c)).ToList();
            if (kept.Count > 0)
            {
                findings.Add(new("default-capabilities", Severity.Medium, "Default capabilities not dropped",
                    $"The container keeps the default capabilities, including the high-risk {string.Join(", ", kept)}.",
                    "Run with --cap-drop=ALL and --cap-add only what is needed (for example NET_BIND_SERVICE)."));
            }
        }

        if (IsRoot(security.User))
        {
            findings.Add(new("root-user", Severity.High, "Runs as root",
                security.User is null ? "No user is set, so the process runs as root (UID 0)." : $"The user is '{security.User}', which is root.",
                "Create an unprivileged user in the image (USER appuser) or run with --user 1001:1001."));
        }

        if (!security.ReadOnlyRootFilesystem)
        {
            findings.Add(new("writable-rootfs", Severity.Medium, "Writable root filesystem",
                "The container can change its own filesystem, so an intruder can drop tools or alter binaries.",
                "Run with --read-only and give writable paths as --tmpfs /tmp or volumes."));
        }

        if (!security.NoNewPrivileges && !security.Privileged)
        {
            findings.Add(new("no-new-privileges", Severity.Medium, "Processes may gain privileges",
                "Without no-new-privileges, setuid binaries inside the container can raise a process's privileges.",
                "Run with --security-opt=no-new-privileges."));
        }

        if (container.Limits.MemoryBytes is null)
        {
            findings.Add(new("no-memory-limit", Severity.Medium, "No memory limit",
                "The container may use all of the host's memory and starve everything else.", "Set --memory (for example 256m)."));
        }

        if (container.Limits.Cpus is null)
        {
            findings.Add(new("no-cpu-limit", Severity.Low, "No CPU limit",
                "The container may use every CPU of the host.", "Set --cpus (for example 0.5)."));
        }

        if (container.Limits.PidsLimit is null)
        {
            findings.Add(new("no-pids-limit", Severity.Low, "No process limit",
                "A fork bomb inside the container can exhaust the host's process table.", "Set --pids-limit (for example 100)."));
        }

        if (container.Health.Check is null || container.Health.Check.Test is ["NONE", ..])
        {
            findings.Add(new("no-healthcheck", Severity.Low, "No health check",
                "The engine cannot tell a hung process from a healthy one, so nothing restarts or alerts on it.",
                "Add a HEALTHCHECK to the image or --health-cmd at run time."));
        }

        if (ImageTagProblem(container.Config.Image) is { } problem)
        {
            findings.Add(new("image-tag", Severity.Medium, "Image not pinned", problem,
                "Run a specific version tag (node:18-alpine) or a digest, never latest."));
        }

        return findings;
    }

    public static bool IsRoot(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
            return true;
        var name = user.Split(':')[0];
        return name is "root" or "0";
    }

    /// <summary>Null when the image is pinned by a version tag or a digest.</summary>
    public static string? ImageTagProblem(string image)
    {
        if (image.Contains('@'))
            return null;
        if (image.StartsWith("sha256:", StringComparison.Ordinal) || (image.Length is 12 or 64 && image.All(char.IsAsciiHexDigitLower)))
            return $"The container was created from image ID '{image}' with no tag, so nobody can tell which version it runs.";
        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        if (colon <= lastSlash)
            return $"'{image}' has no tag, which means latest: the version changes under you.";
        return image[(colon + 1)..] == "latest" ? $"'{image}' uses the latest tag: the version changes under you." : null;
    }

    private static string Normalize(string capability)
    {
        var upper = capability.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
    }

    private static string Describe(string capability) => capability switch
    {
        "ALL" => "every capability, nearly the same as --privileged.",
        "SYS_ADMIN" => "a range of system administration operations, including mounts; a known escape route.",
        "SYS_MODULE" => "loading kernel modules, which is control of the host kernel.",
        "SYS_PTRACE" => "tracing arbitrary processes with ptrace(2).",
        "DAC_OVERRIDE" => "bypassing all file permission checks.",
        "DAC_READ_SEARCH" => "bypassing read permission checks, including on host files reachable by handle.",
        "NET_RAW" => "raw network packet manipulation (spoofing, sniffing).",
        "NET_ADMIN" => "reconfiguring network interfaces, routes and firewall rules.",
        "SETFCAP" => "modifying file capabilities.",
        "SETPCAP" => "modifying process capabilities.",
        "SETUID" or "SETGID" => "changing user or group identities.",
        "SYS_TIME" => "setting the system clock.",
        _ => "a capability outside Docker's default set.",
    };
}
