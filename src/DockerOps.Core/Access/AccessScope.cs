using System.Text.RegularExpressions;
using DockerOps.Core.Common;
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

    /// <summary>
    /// Reads the command-line form <c>names=api-*,labels=team=payments,projects=shop</c>: comma-separated
    /// <c>kind=value</c> items, a kind repeated for several values. Empty or <c>unrestricted</c>: no restriction.
    /// </summary>
    public static Result<AccessScope> Parse(string? text, string field = "scope")
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "unrestricted")
            return Unrestricted;
        List<string> names = [], labels = [], projects = [];
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=');
            var kind = equals < 0 ? item : item[..equals];
            var value = equals < 0 ? "" : item[(equals + 1)..];
            if (value.Length == 0)
                return Error.Invalid(field, $"'{item}' needs a value: names=api-*, labels=team=payments or projects=shop.");
            switch (kind)
            {
                case "names" or "name": names.Add(value); break;
                case "labels" or "label": labels.Add(value); break;
                case "projects" or "project": projects.Add(value); break;
                default: return Error.Invalid(field, $"'{kind}' is not a scope kind; use names, labels or projects.");
            }
        }

        return Create(names, labels, projects, field);
    }

    /// <summary>A scope from its three lists, refusing empty or malformed entries (naming the field).</summary>
    public static Result<AccessScope> Create(IEnumerable<string?>? names, IEnumerable<string?>? labels, IEnumerable<string?>? projects, string field = "scope")
    {
        var parts = new[] { ("names", names), ("labels", labels), ("projects", projects) }
            .Select(part => (part.Item1, Values: (part.Item2 ?? []).ToList()))
            .ToList();
        foreach (var (kind, values) in parts)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]) || values[i]!.Length > 200 || values[i]!.Any(char.IsControl))
                    return Error.Invalid($"{field}.{kind}[{i}]", $"A scope entry must be 1 to 200 printable characters.");
                if (kind == "labels" && values[i]!.StartsWith('='))
                    return Error.Invalid($"{field}.{kind}[{i}]", "A label selector is 'key' or 'key=value'.");
            }
        }

        return new AccessScope(
            parts[0].Values.Select(v => v!.Trim()).Distinct().ToList(),
            parts[1].Values.Select(v => v!.Trim()).Distinct().ToList(),
            parts[2].Values.Select(v => v!.Trim()).Distinct().ToList());
    }

    /// <summary>The command-line form that <see cref="Parse"/> reads back.</summary>
    public string ToCommandLine() =>
        IsUnrestricted ? "unrestricted" : string.Join(",",
            Names.Select(n => "names=" + n).Concat(Labels.Select(l => "labels=" + l)).Concat(Projects.Select(p => "projects=" + p)));

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
