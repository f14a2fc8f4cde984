using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DockerOps.Api.Tests;

/// <summary>
/// The README's configuration tables and the settings the code binds are the same list: a setting
/// added without documentation, or documented but gone from the code, fails here.
/// </summary>
public sealed partial class ConfigurationDocumentationTests
{
    // Settings read directly rather than bound to an options class.
    private static readonly string[] DirectlyReadSettings =
    [
        "Urls", "DOCKEROPS_DATA", "DOCKEROPS_ADMIN_KEY", "DOCKEROPS_ADMIN_KEY_FILE", "Logging:Format", "Audit:WriteTimeoutSeconds",
    ];

    [Fact]
    public void Every_setting_the_code_binds_is_documented_in_the_readme_and_nothing_else_is()
    {
        var documented = DocumentedSettings();
        var bound = BoundSettings();

        // A structured setting may be documented once at its root (`Chat:Identities` covers its items' fields).
        static bool Covers(string root, string name) =>
            name.Equals(root, StringComparison.OrdinalIgnoreCase) || name.StartsWith(root + ":", StringComparison.OrdinalIgnoreCase);
        var undocumented = bound.Where(b => !documented.Any(d => Covers(d, b))).Order(StringComparer.Ordinal).ToList();
        var stale = documented.Where(d => !bound.Any(b => Covers(d, b))).Order(StringComparer.Ordinal).ToList();

        Assert.True(undocumented.Count == 0 && stale.Count == 0,
            $"Settings in code but not in README's configuration tables:\n  {string.Join("\n  ", undocumented)}\n" +
            $"Settings in README but not in code:\n  {string.Join("\n  ", stale)}");
    }

    private static HashSet<string> BoundSettings()
    {
        var settings = new HashSet<string>(DirectlyReadSettings, StringComparer.OrdinalIgnoreCase);
        var assemblies = new[] { "DockerOps.Api", "DockerOps.Chat", "DockerOps.Jobs", "DockerOps.Docker", "DockerOps.Core" }
            .Select(name => { try { return Assembly.Load(name); } catch (FileNotFoundException) { return null; } })
            .Where(a => a is not null);
        foreach (var type in assemblies.SelectMany(a => a!.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field)
                continue;
            var section = (string)field.GetRawConstantValue()!;
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
            // A section bound straight onto one list (Registries:0:Server) names its items, not the list.
            if (properties.Count == 1 && IsList(properties[0].PropertyType, out var itemType))
                AddType(settings, $"{section}:{{i}}", itemType, 0);
            else
                AddType(settings, section, type, 0);
        }

        return settings;
    }

    private static void AddType(HashSet<string> settings, string prefix, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            AddValue(settings, $"{prefix}:{property.Name}", property.PropertyType, depth);
    }

    private static void AddValue(HashSet<string> settings, string name, Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (depth > 4 || IsSimple(type))
        {
            settings.Add(name);
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            AddValue(settings, $"{name}:{{key}}", type.GetGenericArguments()[1], depth + 1);
            return;
        }

        if (IsList(type, out var item))
        {
            AddValue(settings, $"{name}:{{i}}", item, depth + 1);
            return;
        }

        AddType(settings, name, type, depth + 1);
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(Uri) || type == typeof(DateTimeOffset);

    private static bool IsList(Type type, out Type item)
    {
        item = typeof(object);
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
            return false;
        var enumerable = type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (enumerable is null)
            return false;
        item = enumerable;
        return true;
    }

    private static HashSet<string> DocumentedSettings()
    {
        var readme = File.ReadAllLines(Path.Combine(Contract.OpenApiContract.RepositoryRoot(), "README.md"));
        var settings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var inSettingsTable = false;
        foreach (var line in readme)
        {
            if (!line.StartsWith('|'))
            {
                inSettingsTable = false;
                continue;
            }

            var firstCell = line.Split('|')[1].Trim();
            if (firstCell == "Setting")
            {
                inSettingsTable = true;
                continue;
            }

            if (!inSettingsTable || firstCell.StartsWith("---", StringComparison.Ordinal))
                continue;
            string? previous = null;
            foreach (Match token in Backticked().Matches(firstCell))
            {
                var name = token.Groups[1].Value;
                // `Registries:{i}:Server`, `:Username` shares the first name's prefix.
                if (name.StartsWith(':') && previous is not null)
                    name = previous[..previous.LastIndexOf(':')] + name;
                previous = name;
                settings.Add(Normalize(name));
            }
        }

        return settings;
    }

    private static string Normalize(string name) =>
        Placeholder().Replace(name, match => match.Value is "{i}" or "{n}" or "{N}" or "N" or "0" ? "{i}" : "{key}");

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"(?<=:)(\{[^}]+\}|N|0)(?=:|$)")]
    private static partial Regex Placeholder();
}
