using DockerOps.Core.Containers;

namespace DockerOps.Core.Networks;

public sealed record IpamPool(string? Subnet, string? Gateway, string? IpRange);

/// <summary>A container attached to a network, with its addresses on it.</summary>
public sealed record NetworkEndpoint(ContainerUse Container, string? Ipv4Address, string? Ipv6Address, string? MacAddress);

/// <summary>A network with its attached containers. <see cref="Predefined"/> marks bridge, host and none, which cannot be removed.</summary>
public sealed record NetworkInfo(
    string Id,
    string Name,
    string Driver,
    string Scope,
    bool Internal,
    bool Attachable,
    bool Ingress,
    bool EnableIPv6,
    DateTimeOffset Created,
    IReadOnlyList<IpamPool> Ipam,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyDictionary<string, string> Labels,
    bool Predefined,
    int AttachedCount,
    IReadOnlyList<NetworkEndpoint> Containers);

public sealed record NetworkQuery(IReadOnlyList<string>? Drivers = null, IReadOnlyList<string>? Labels = null, string? Scope = null);

public sealed record NetworkCreateSpec(
    string Name,
    string Driver,
    IpamPool? Pool,
    bool Internal,
    bool Attachable,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options);

public sealed record CreateNetworkRequest
{
    public string? Name { get; init; }
    public string? Driver { get; init; }
    public string? Subnet { get; init; }
    public string? Gateway { get; init; }
    public string? IpRange { get; init; }
    public bool? Internal { get; init; }
    public bool? Attachable { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public Dictionary<string, string>? Options { get; init; }
}

public sealed record ConnectNetworkRequest
{
    public string? Container { get; init; }
    public List<string>? Aliases { get; init; }
}

public sealed record DisconnectNetworkRequest
{
    public string? Container { get; init; }
    public bool? Force { get; init; }
}

public sealed record NetworkConnection(string Network, string Container, string Action, IReadOnlyList<string> Aliases);

public sealed record NetworkRemoval(string Id, string Name, bool Removed);

public static class PredefinedNetworks
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "bridge", "host", "none" };
}
