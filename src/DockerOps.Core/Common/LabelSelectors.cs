using System.Text.RegularExpressions;

namespace DockerOps.Core.Common;

/// <summary>Label selectors as the docker CLI writes them: <c>key</c> (present) or <c>key=value</c>.</summary>
public static partial class LabelSelectors
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*(=[^\s]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SelectorPattern();

    public static bool Matches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        var equals = selector.IndexOf('=');
        return equals < 0
            ? labels.ContainsKey(selector)
            : labels.TryGetValue(selector[..equals], out var value) && value == selector[(equals + 1)..];
    }

    /// <summary>Null when every selector is well formed; else the error naming <paramref name="field"/>.</summary>
    public static Error? Validate(string field, IEnumerable<string>? selectors)
    {
        foreach (var selector in selectors ?? [])
        {
            if (!SelectorPattern().IsMatch(selector))
                return Error.Invalid(field, $"'{selector}' is not a label selector ('key' or 'key=value').");
        }

        return null;
    }

    /// <summary>Labels for a new object: keys must be non-empty.</summary>
    public static Error? ValidateLabels(string field, IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var key in labels?.Keys ?? [])
        {
            if (string.IsNullOrWhiteSpace(key))
                return Error.Invalid(field, "Label keys must not be empty.");
        }

        return null;
    }
}
