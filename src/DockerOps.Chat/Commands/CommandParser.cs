using System.Globalization;
using DockerOps.Core.Common;

namespace DockerOps.Chat.Commands;

/// <summary>A command ready to run, or why it is not (with the command, when known, for its usage line).</summary>
public sealed record ParseOutcome(CommandDefinition? Definition, BoundArguments? Arguments, string? Problem)
{
    public bool IsOk => Problem is null;

    public static ParseOutcome Ok(CommandDefinition definition, BoundArguments arguments) => new(definition, arguments, null);

    public static ParseOutcome Fail(string problem, CommandDefinition? definition = null) => new(definition, null, problem);
}

/// <summary>
/// Turns typed text (Slack, Socket Mode) or named options (Discord) into a command and typed
/// arguments. Every input ends as a command or a problem; nothing here throws on user input.
/// </summary>
public static class CommandParser
{
    private const int MaxEchoLength = 40;

    public static ParseOutcome Parse(CommandRegistry registry, string? text, DateTimeOffset now)
    {
        if (!CommandTokenizer.TryTokenize(text, out var words, out var problem))
            return ParseOutcome.Fail(problem!);
        if (words.Count == 0)
            words = ["help"];

        var definition = registry.Find(words[0]);
        if (definition is null)
            return ParseOutcome.Fail($"Unknown command `{Echo(words[0])}`.");

        var positionals = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
            {
                positionals.Add(word);
                continue;
            }

            var equals = word.IndexOf('=');
            var name = equals < 0 ? word[2..] : word[2..equals];
            var option = definition.Options.FirstOrDefault(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (option is null)
                return ParseOutcome.Fail($"`{definition.Verb}` has no option `--{Echo(name)}`.", definition);

            string value;
            if (equals >= 0)
                value = word[(equals + 1)..];
            else if (option.Kind == OptionKind.Flag)
                value = "true";
            else if (i + 1 < words.Count)
                value = words[++i];
            else
                return ParseOutcome.Fail($"`--{option.Name}` needs a value.", definition);

            if (option.Kind == OptionKind.Labels && options.TryGetValue(option.Name, out var earlier))
                options[option.Name] = earlier + "," + value;
            else if (!options.TryAdd(option.Name, value))
                return ParseOutcome.Fail($"`--{option.Name}` is given twice.", definition);
        }

        if (positionals.Count > definition.Arguments.Count)
            return ParseOutcome.Fail($"`{definition.Verb}` takes at most {definition.Arguments.Count} argument(s).", definition);

        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < positionals.Count; i++)
            named[definition.Arguments[i].Name] = positionals[i];
        return Bind(definition, named, options, now);
    }

    /// <summary>Discord hands over the subcommand and its options by name.</summary>
    public static ParseOutcome ParseNamed(CommandRegistry registry, string? verb, IReadOnlyDictionary<string, string> values, DateTimeOffset now)
    {
        var definition = string.IsNullOrWhiteSpace(verb) ? registry.Find("help") : registry.Find(verb);
        if (definition is null)
            return ParseOutcome.Fail($"Unknown command `{Echo(verb ?? "")}`.");

        var arguments = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (definition.Arguments.Any(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                arguments[name] = value;
            else if (definition.Options.Any(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                options[name] = value;
            else
                return ParseOutcome.Fail($"`{definition.Verb}` has no option `{Echo(name)}`.", definition);
        }

        return Bind(definition, arguments, options, now);
    }

    private static ParseOutcome Bind(CommandDefinition definition, Dictionary<string, string> arguments, Dictionary<string, string> options, DateTimeOffset now)
    {
        var texts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var durations = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);
        foreach (var argument in definition.Arguments)
        {
            if (!arguments.TryGetValue(argument.Name, out var value) || string.IsNullOrWhiteSpace(value))
            {
                if (argument.Required)
                    return ParseOutcome.Fail($"`<{argument.Name}>` is required.", definition);
                continue;
            }

            value = value.Trim();
            if (argument.Choices is { Count: > 0 } choices)
            {
                var choice = choices.FirstOrDefault(c => c.Equals(value, StringComparison.OrdinalIgnoreCase));
                if (choice is null)
                    return ParseOutcome.Fail($"`{Echo(value)}` is not one of {string.Join(", ", choices)}.", definition);
                value = choice;
            }

            if (argument.Kind == ArgumentKind.Duration)
            {
                if (!DockerDuration.TryParse(value, out var duration) || duration <= TimeSpan.Zero)
                    return ParseOutcome.Fail($"`<{argument.Name}>` must be a duration such as 30m or 2h (got `{Echo(value)}`).", definition);
                durations[argument.Name] = duration;
            }

            texts[argument.Name] = value;
        }

        var integers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var times = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options)
        {
            var option = definition.Options.First(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            switch (option.Kind)
            {
                case OptionKind.Flag:
                    if (!bool.TryParse(value, out var on))
                        return ParseOutcome.Fail($"`--{option.Name}` is a switch; write it alone (got `{Echo(value)}`).", definition);
                    if (on)
                        flags.Add(option.Name);
                    break;
                case OptionKind.Integer:
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < option.Min || number > option.Max)
                        return ParseOutcome.Fail($"`--{option.Name}` must be a whole number from {option.Min} to {option.Max} (got `{Echo(value)}`).", definition);
                    integers[option.Name] = number;
                    break;
                case OptionKind.Labels:
                    var selectors = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (selectors.Length == 0 || LabelSelectors.Validate(option.Name, selectors) is not null)
                        return ParseOutcome.Fail($"`--{option.Name}` takes a label selector, key or key=value (got `{Echo(value)}`).", definition);
                    lists[option.Name] = selectors;
                    break;
                default:
                    if (!PointInTime.TryParse(value, now, out var time))
                        return ParseOutcome.Fail($"`--{option.Name}` must be a duration back from now (10m, 2h), an RFC 3339 time or Unix seconds (got `{Echo(value)}`).", definition);
                    times[option.Name] = time;
                    break;
            }
        }

        return ParseOutcome.Ok(definition, new BoundArguments(texts, integers, flags, times, durations, lists));
    }

    /// <summary>Echoes user input back safely: short, on one line, no backticks to break the formatting.</summary>
    internal static string Echo(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c) && c != '`').ToArray());
        return clean.Length <= MaxEchoLength ? clean : clean[..MaxEchoLength] + "…";
    }
}

/// <summary>A command's arguments, already checked and typed.</summary>
public sealed class BoundArguments(
    IReadOnlyDictionary<string, string> texts,
    IReadOnlyDictionary<string, int> integers,
    IReadOnlySet<string> flags,
    IReadOnlyDictionary<string, DateTimeOffset> times,
    IReadOnlyDictionary<string, TimeSpan> durations,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? lists = null)
{
    public static BoundArguments None { get; } = new(
        new Dictionary<string, string>(), new Dictionary<string, int>(), new HashSet<string>(),
        new Dictionary<string, DateTimeOffset>(), new Dictionary<string, TimeSpan>());

    public string? Text(string name) => texts.GetValueOrDefault(name);

    public int? Integer(string name) => integers.TryGetValue(name, out var value) ? value : null;

    public bool Flag(string name) => flags.Contains(name);

    public DateTimeOffset? Time(string name) => times.TryGetValue(name, out var value) ? value : null;

    /// <summary>A repeatable option's values, empty when absent.</summary>
    public IReadOnlyList<string> List(string name) => lists?.GetValueOrDefault(name) ?? [];

    public TimeSpan? Duration(string name) => durations.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The arguments as the named values <see cref="CommandParser.ParseNamed"/> binds back to the same
    /// thing: how a waiting confirmation is stored.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToNamed()
    {
        var named = new Dictionary<string, string>(texts, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in integers)
            named[name] = value.ToString(CultureInfo.InvariantCulture);
        foreach (var name in flags)
            named[name] = "true";
        foreach (var (name, value) in times)
            named[name] = value.ToString("O", CultureInfo.InvariantCulture);
        foreach (var (name, values) in lists ?? new Dictionary<string, IReadOnlyList<string>>())
            named[name] = string.Join(',', values);
        return named;
    }

    /// <summary>Recorded with a confirmation and shown in previews.</summary>
    public override string ToString() =>
        string.Join(' ', texts.Values.Concat(integers.Select(i => $"--{i.Key} {i.Value}")).Concat(flags.Select(f => $"--{f}"))
            .Concat((lists ?? new Dictionary<string, IReadOnlyList<string>>()).SelectMany(l => l.Value.Select(v => $"--{l.Key} {v}"))));
}
