using DockerOps.Core.Common;

namespace DockerOps.Core.Containers;

/// <summary>
/// Resolves what a person types to one container: a name (with or without the leading <c>/</c>),
/// a compose service (<c>api</c> or <c>project/api</c>) naming exactly one container, a full ID, or
/// a unique ID prefix. Earlier kinds of match win, so an exact name is never shadowed by a service.
/// </summary>
public static class ContainerReferences
{
    private const int MinimumPrefixLength = 3;

    public static Result<ContainerSummary> Resolve(string reference, IReadOnlyList<ContainerSummary> containers)
    {
        var text = reference.Trim();
        if (text.Length == 0)
            return Error.Invalid("ref", "A container reference is required.");
        var name = text.TrimStart('/');

        var byId = containers.Where(c => string.Equals(c.Id, text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byId.Count == 1)
            return byId[0];

        var byName = containers.Where(c => c.Name == name).ToList();
        if (byName.Count == 1)
            return byName[0];

        var byService = MatchComposeService(name, containers);
        if (byService.Count > 0)
            return Single(reference, byService);

        if (text.Length >= MinimumPrefixLength && IsHex(text))
        {
            var byPrefix = containers.Where(c => c.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (byPrefix.Count > 0)
                return Single(reference, byPrefix);
        }

        return Error.NotFound($"No container matches '{reference}'.");
    }

    private static List<ContainerSummary> MatchComposeService(string name, IReadOnlyList<ContainerSummary> containers)
    {
        var slash = name.IndexOf('/');
        if (slash > 0)
        {
            var project = name[..slash];
            var service = name[(slash + 1)..];
            return containers.Where(c => c.Project == project && c.Service == service).ToList();
        }

        return containers.Where(c => c.Service == name).ToList();
    }

    private static Result<ContainerSummary> Single(string reference, List<ContainerSummary> matches) =>
        matches.Count == 1
            ? matches[0]
            : Error.Conflict(
                $"'{reference}' matches {matches.Count} containers; use one of the candidates.",
                matches.Select(c => c.Name).Order(StringComparer.Ordinal).ToList());

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);
}
