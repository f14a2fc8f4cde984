using DockerOps.Core.Containers;

namespace DockerOps.Core.Images;

/// <summary>An image with the containers (running or not) created from it. <see cref="Dangling"/>: no tag.</summary>
public sealed record ImageSummary(
    string Id,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Digests,
    DateTimeOffset Created,
    long SizeBytes,
    IReadOnlyDictionary<string, string> Labels,
    bool Dangling,
    bool InUse,
    IReadOnlyList<ContainerUse> UsedBy);

public sealed record ImageDetails(
    string Id,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Digests,
    DateTimeOffset Created,
    long SizeBytes,
    string Architecture,
    string Os,
    string? Author,
    IReadOnlyList<string> Layers,
    IReadOnlyDictionary<string, string> Labels,
    string? User,
    IReadOnlyList<string> ExposedPorts,
    bool InUse,
    IReadOnlyList<ContainerUse> UsedBy);

/// <summary>Filters for listing images. <paramref name="Reference"/> is a name pattern such as <c>busybox</c> or <c>registry:5000/*:1</c>.</summary>
public sealed record ImageQuery(bool? Dangling = null, string? Reference = null, IReadOnlyList<string>? Labels = null);

/// <summary>One line of what removing an image did: a tag taken away, or an image deleted.</summary>
public sealed record ImageRemoval(string? Untagged, string? Deleted);

public sealed record TagImageRequest
{
    public string? Repository { get; init; }
    public string? Tag { get; init; }
}

public sealed record TaggedImage(string Id, string Tag);

public sealed record PullImageRequest
{
    public string? Image { get; init; }
    public string? Tag { get; init; }
}

/// <summary>One progress message from a pull, as the engine reports it (per layer when <see cref="Layer"/> is set).</summary>
public sealed record PullProgress(string? Layer, string? Status, long? Current, long? Total, string? Error);

public sealed record PullResult(string Reference, string Id, IReadOnlyList<string> Tags, IReadOnlyList<string> Digests);

/// <summary>Credentials for one registry; sent to the engine for a pull and never recorded.</summary>
public sealed record RegistryCredentials(string ServerAddress, string? Username, string? Password, string? IdentityToken)
{
    // A record prints every property; these must not reach a log line or an exception message by accident.
    public override string ToString() => $"RegistryCredentials {{ ServerAddress = {ServerAddress}, Username = {Username}, Password = ***, IdentityToken = *** }}";
}

/// <summary>Where registry credentials come from (configuration in the host); null when a registry needs none.</summary>
public interface IRegistryCredentials
{
    RegistryCredentials? For(string registry);
}

/// <summary>Image references split the way the docker CLI splits them.</summary>
public static class ImageReferences
{
    public const string DockerHub = "docker.io";

    /// <summary>The registry part of a name: the first component when it has a '.', a ':' or is 'localhost'; Docker Hub otherwise.</summary>
    public static string RegistryOf(string image)
    {
        var slash = image.IndexOf('/');
        if (slash < 0)
            return DockerHub;
        var first = image[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? first : DockerHub;
    }

    /// <summary>Splits <c>repo:tag</c> (not confusing a registry port with a tag) and <c>repo@digest</c>.</summary>
    public static (string Repository, string? Tag, string? Digest) Split(string reference)
    {
        var at = reference.IndexOf('@');
        if (at >= 0)
            return (reference[..at], null, reference[(at + 1)..]);
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..], null) : (reference, null, null);
    }
}
