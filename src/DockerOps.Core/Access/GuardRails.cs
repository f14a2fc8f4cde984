using DockerOps.Core.Common;
using DockerOps.Core.Containers;

namespace DockerOps.Core.Access;

/// <summary>
/// What the service's operator allows container creation to ask for. Everything that hands a
/// container the host (privileged mode, host namespaces, devices, arbitrary binds, extra
/// capabilities) is refused unless allowed here; these are settings, so only whoever runs
/// DockerOps can change them, not any API caller.
/// </summary>
public sealed record GuardRailSettings
{
    public bool AllowPrivileged { get; init; }

    /// <summary>Host (or another container's) PID, network and IPC namespaces.</summary>
    public bool AllowHostNamespaces { get; init; }

    public bool AllowDevices { get; init; }

    /// <summary>Host paths (and what is below them) that bind mounts may use.</summary>
    public IReadOnlyList<string> AllowedBindPaths { get; init; } = [];

    /// <summary>Capabilities that <c>capAdd</c> may name.</summary>
    public IReadOnlyList<string> AllowedCapabilities { get; init; } = [];

    /// <summary>Host paths that are never bound, allow-list or not: the engine's socket owns the host.</summary>
    public IReadOnlyList<string> ForbiddenBindPaths { get; init; } = ["/var/run/docker.sock", "/run/docker.sock"];

    /// <summary>The container DockerOps runs in, when it does: full ids, or the 12-character prefix a hostname gives.</summary>
    public IReadOnlyList<string> OwnContainerIds { get; init; } = [];

    /// <summary>
    /// Where a host path really leads, following symbolic links: the engine follows them when it
    /// binds, so a link inside an allowed folder (which any container with that folder writable can
    /// plant) would otherwise bind whatever it points at. The identity where the host's files are not visible.
    /// </summary>
    public Func<string, string> ResolveHostPath { get; init; } = path => path;
}

/// <summary>
/// The refusals that hold whatever the role: creation that would hand out the host, and
/// disruptive actions on protected containers (only an admin passing force may).
/// </summary>
public sealed class ContainerGuardRails(GuardRailSettings settings)
{
    public const string ProtectedLabel = "dockerops.protected";

    public GuardRailSettings Settings => settings;

    /// <summary>Refuses (403, naming the field) what the settings do not allow.</summary>
    public Error? CheckCreate(ContainerSpec spec)
    {
        if (spec.Privileged && !settings.AllowPrivileged)
            return Refused("privileged", "Privileged containers are not allowed (Security:AllowPrivileged is off): they own the host.");

        foreach (var (field, mode) in new[] { ("pidMode", spec.PidMode), ("ipcMode", spec.IpcMode), ("networkMode", spec.NetworkMode) })
        {
            if (mode is null || settings.AllowHostNamespaces)
                continue;
            if (mode.Equals("host", StringComparison.OrdinalIgnoreCase) || mode.StartsWith("container:", StringComparison.OrdinalIgnoreCase))
                return Refused(field, $"{field} '{mode}' shares a namespace outside the container, which is not allowed (Security:AllowHostNamespaces is off).");
        }

        if (spec.Devices.Count > 0 && !settings.AllowDevices)
            return Refused("devices[0]", "Host devices are not allowed (Security:AllowDevices is off).");

        for (var i = 0; i < spec.Mounts.Count; i++)
        {
            var mount = spec.Mounts[i];
            if (mount.Type != MountType.Bind)
                continue;
            var field = $"mounts[{i}].source";
            var source = NormalizePath(mount.Source!);
            if (BindRefusal(source, $"'{mount.Source}'") is { } refusal)
                return Refused(field, refusal);
            var target = NormalizePath(settings.ResolveHostPath(source));
            if (target != source && BindRefusal(target, $"'{mount.Source}' leads through a symbolic link to '{target}', which") is { } linkRefusal)
                return Refused(field, linkRefusal);
        }

        var allowedCaps = settings.AllowedCapabilities.Select(CapabilityName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < spec.CapAdd.Count; i++)
        {
            if (!allowedCaps.Contains(CapabilityName(spec.CapAdd[i])))
                return Refused($"capAdd[{i}]", $"Adding capability '{spec.CapAdd[i]}' is not allowed (Security:AllowedCapabilities: {(allowedCaps.Count == 0 ? "none" : string.Join(", ", allowedCaps))}).");
        }

        return null;
    }

    /// <summary>
    /// Stop, kill, pause and remove of a protected container (the label, or DockerOps's own
    /// container) need an admin who passes force.
    /// </summary>
    public Error? CheckDisruptive(Actor actor, ContainerSummary container, string action, bool force)
    {
        var why = ProtectionOf(container);
        if (why is null || (force && actor.Role == Role.Admin))
            return null;
        var how = actor.Role == Role.Admin
            ? "pass force=true to do it anyway"
            : "only an admin passing force=true may";
        return Error.Forbidden($"'{container.Name}' is protected ({why}): refusing to {action} it; {how}.");
    }

    /// <summary>Why a container is protected, or null when it is not.</summary>
    public string? ProtectionOf(ContainerSummary container)
    {
        if (container.Labels.TryGetValue(ProtectedLabel, out var value) && value.Equals("true", StringComparison.OrdinalIgnoreCase))
            return $"label {ProtectedLabel}=true";
        return IsOwnContainer(container.Id) ? "it runs DockerOps itself" : null;
    }

    private bool IsOwnContainer(string id) =>
        settings.OwnContainerIds.Any(own => own.Length >= 12 && id.StartsWith(own, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why <paramref name="path"/> may not be bound, or null; <paramref name="shown"/> names it in the sentence.</summary>
    private string? BindRefusal(string path, string shown)
    {
        if (path == "/")
            return $"{shown} is the host's root filesystem: binding it is never allowed.";
        if (settings.ForbiddenBindPaths.Select(NormalizePath).Any(forbidden => IsSameOrBelow(forbidden, path)))
            return $"{shown} is or contains the Docker socket, which is never bound: it controls the host.";
        if (settings.AllowedBindPaths.Select(NormalizePath).Any(allowed => allowed != "/" && IsSameOrBelow(path, allowed)))
            return null;
        var allowedList = settings.AllowedBindPaths.Count == 0 ? "none are allowed" : "allowed: " + string.Join(", ", settings.AllowedBindPaths);
        return $"{shown} is outside Security:AllowedBindPaths ({allowedList}).";
    }

    private static Error Refused(string field, string detail) => new(ErrorKind.Forbidden, "Refused by a guard rail", detail, field);

    private static string CapabilityName(string capability)
    {
        var upper = capability.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
    }

    // Collapses '.', '..' and doubled slashes so that '/srv/../' cannot walk out of an allowed folder.
    private static string NormalizePath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    private static bool IsSameOrBelow(string path, string folder) =>
        path == folder || folder == "/" || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
