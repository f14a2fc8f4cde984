using System.Globalization;
using Docker.DotNet.Models;
using DockerOps.Core.Containers;
using Mount = Docker.DotNet.Models.Mount;
using ContainerSpec = DockerOps.Core.Containers.ContainerSpec;
using PortBinding = Docker.DotNet.Models.PortBinding;

namespace DockerOps.Docker;

/// <summary>A validated <see cref="ContainerSpec"/> in the engine's create shape.</summary>
internal static class ContainerCreation
{
    public static CreateContainerParameters ToParameters(ContainerSpec spec)
    {
        var firstNetwork = spec.Networks.FirstOrDefault();
        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Cmd = spec.Command?.ToList(),
            Env = spec.Env.Select(e => $"{e.Key}={e.Value}").ToList(),
            Labels = spec.Labels.ToDictionary(),
            User = spec.User,
            ExposedPorts = spec.Ports.ToDictionary(PortKey, _ => default(EmptyStruct)),
            Healthcheck = spec.HealthCheck is { } check
                ? new HealthConfig
                {
                    Test = check.Test.ToList(),
                    Interval = check.Interval ?? TimeSpan.Zero,
                    Timeout = check.Timeout ?? TimeSpan.Zero,
                    Retries = check.Retries ?? 0,
                    StartPeriod = (check.StartPeriod ?? TimeSpan.Zero).Ticks * 100,
                }
                : null,
            HostConfig = new HostConfig
            {
                PortBindings = spec.Ports
                    .GroupBy(PortKey)
                    .ToDictionary(g => g.Key, g => (IList<PortBinding>)g.Select(p => new PortBinding
                    {
                        HostIP = p.HostIp,
                        HostPort = p.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "",
                    }).ToList()),
                Mounts = spec.Mounts.Select(m => new Mount
                {
                    Type = m.Type.ToString().ToLowerInvariant(),
                    Source = m.Source,
                    Target = m.Target,
                    ReadOnly = m.ReadOnly,
                }).ToList(),
                RestartPolicy = spec.RestartPolicy is { } policy
                    ? new RestartPolicy { Name = PolicyKind(policy.Name), MaximumRetryCount = policy.MaximumRetryCount }
                    : null,
                Memory = spec.MemoryBytes ?? 0,
                NanoCPUs = spec.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
                PidsLimit = spec.PidsLimit,
                ReadonlyRootfs = spec.ReadOnlyRootFilesystem,
                CapAdd = spec.CapAdd.ToList(),
                CapDrop = spec.CapDrop.ToList(),
                SecurityOpt = spec.NoNewPrivileges ? ["no-new-privileges:true"] : null,
                Privileged = spec.Privileged,
                NetworkMode = spec.NetworkMode ?? firstNetwork?.Name,
                PidMode = spec.PidMode,
                IpcMode = spec.IpcMode,
                Devices = spec.Devices.Select(d => new DeviceMapping { PathOnHost = d.PathOnHost, PathInContainer = d.PathInContainer, CgroupPermissions = d.Permissions }).ToList(),
            },
            NetworkingConfig = firstNetwork is null
                ? null
                : new NetworkingConfig
                {
                    EndpointsConfig = new Dictionary<string, EndpointSettings>
                    {
                        [firstNetwork.Name] = new() { Aliases = firstNetwork.Aliases.ToList() },
                    },
                },
        };
    }

    private static string PortKey(Core.Containers.PortBinding port) =>
        $"{port.ContainerPort.ToString(CultureInfo.InvariantCulture)}/{port.Protocol}";

    private static RestartPolicyKind PolicyKind(string name) => name switch
    {
        "always" => RestartPolicyKind.Always,
        "unless-stopped" => RestartPolicyKind.UnlessStopped,
        "on-failure" => RestartPolicyKind.OnFailure,
        _ => RestartPolicyKind.No,
    };
}
