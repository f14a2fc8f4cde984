using DockerOps.Core.Containers;

namespace DockerOps.Core.Volumes;

/// <summary>
/// A volume with the containers that use it. <see cref="Anonymous"/> volumes are the ones the engine
/// named itself (a <c>VOLUME</c> or <c>-v /path</c> without a name); only those are pruned by default.
/// </summary>
public sealed record VolumeInfo(
    string Name,
    string Driver,
    string? Mountpoint,
    string Scope,
    DateTimeOffset? Created,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options,
    bool Anonymous,
    bool InUse,
    IReadOnlyList<ContainerUse> UsedBy);

/// <summary>Filters for listing volumes: <paramref name="Dangling"/> means used by no container.</summary>
public sealed record VolumeQuery(bool? Dangling = null, IReadOnlyList<string>? Labels = null, string? Driver = null);

public sealed record VolumeSpec(string? Name, string Driver, IReadOnlyDictionary<string, string> DriverOptions, IReadOnlyDictionary<string, string> Labels);

public sealed record CreateVolumeRequest
{
    public string? Name { get; init; }
    public string? Driver { get; init; }
    public Dictionary<string, string>? DriverOptions { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
}

public sealed record VolumeRemoval(string Name, bool Removed);

/// <summary>The engine's rule for anonymous volumes on API 1.41 (a 64-hex name), and the label API 1.42+ adds.</summary>
public static class AnonymousVolumes
{
    public const string Label = "com.docker.volume.anonymous";

    public static bool IsAnonymous(string name, IReadOnlyDictionary<string, string> labels) =>
        labels.ContainsKey(Label) || (name.Length == 64 && name.All(char.IsAsciiHexDigitLower));
}
