using System.Text.RegularExpressions;
using DockerOps.Core.Containers;

namespace DockerOps.Core.Access;

/// <summary>
/// Which containers an actor can see and act on: name patterns (<c>api-*</c>), label selectors
/// (<c>team=payments</c> or just <c>team</c>) and compose projects. A container is in scope when it
/// matches any of them; an empty scope is unrestricted. Out-of-scope containers do not exist for
/// the actor: omitted from lists and "not found" on direct access, so their names do not leak.
/// </summary>
public sealed record AccessScope(IReadOnlyList<string> Names, IReadOnlyList<string> Labels, IReadOnlyList<string> Projects)
{
    public static AccessScope Unrestricted { get; } = new([], [], []);

    public bool IsUnrestricted => Names.Count == 0 && Labels.Count == 0 && Projects.Count == 0;

    public bool Includes(string name, IReadOnlyDictionary<string, string> labels)
    {
        if (IsUnrestricted)
            return true;
        if (Names.Any(pattern => GlobMatches(pattern, name)))
            return true;
        if (Labels.Any(selector => LabelMatches(selector, labels)))
            return true;
        return labels.TryGetValue(ComposeLabels.Project, out var project) && Projects.Contains(project, StringComparer.Ordinal);
    }

    public bool Includes(ContainerSummary container) => Includes(container.Name, container.Labels);

    public override string ToString() =>
        IsUnrestricted ? "unrestricted" : string.Join("; ", new[]
        {
            Names.Count > 0 ? "names " + string.Join(",", Names) : null,
            Labels.Count > 0 ? "labels " + string.Join(",", Labels) : null,
            Projects.Count > 0 ? "projects " + string.Join(",", Projects) : null,
        }.Where(part => part is not null));

    private static bool GlobMatches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    private static bool LabelMatches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        var equals = selector.IndexOf('=');
        return equals < 0
            ? labels.ContainsKey(selector)
            : labels.TryGetValue(selector[..equals], out var value) && value == selector[(equals + 1)..];
    }
}
