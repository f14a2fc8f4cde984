using DockerOps.Core.Access;

namespace DockerOps.Chat.Commands;

/// <summary>Whether a command only looks (answered privately) or changes something (announced to the channel).</summary>
public enum CommandEffect
{
    Read,
    Change,
}

public enum OptionKind
{
    /// <summary>Present or absent: <c>--dry-run</c>.</summary>
    Flag,

    /// <summary>A whole number: <c>--tail 50</c>.</summary>
    Integer,

    /// <summary>A point in time as <c>docker logs --since</c> takes it: <c>10m</c>, RFC 3339, Unix seconds.</summary>
    Since,

    /// <summary>Label selectors, repeatable: <c>--label k=v --label team</c> (Discord: comma separated).</summary>
    Labels,
}

public enum ArgumentKind
{
    Text,

    /// <summary>A container reference; Discord autocompletes these from the caller's scope.</summary>
    Container,

    /// <summary>A duration as the docker CLI writes it: <c>30m</c>, <c>1h30m</c>.</summary>
    Duration,
}

/// <summary>A positional argument (a named option in Discord).</summary>
public sealed record ArgumentSpec(string Name, string Description, bool Required, ArgumentKind Kind, IReadOnlyList<string>? Choices);

public sealed record OptionSpec(string Name, OptionKind Kind, string Description, int Min = 0, int Max = int.MaxValue);

public delegate Task<ChatReply> CommandHandler(CommandContext context);

/// <summary>Decides, with the container at hand, whether a command must be confirmed first.</summary>
public delegate Task<bool> ConfirmationRule(CommandContext context);

/// <summary>
/// One verb of <c>/docker</c>: its arguments, the permission it needs (its precondition), how it
/// is answered, and its handler. Declared in <see cref="DockerCommands"/> with a fluent builder.
/// </summary>
public sealed class CommandDefinition
{
    internal CommandDefinition(string verb, string summary, Permission permission)
    {
        Verb = verb;
        Summary = summary;
        Permission = permission;
    }

    public string Verb { get; }

    public string Summary { get; }

    /// <summary>The precondition: the caller's role must allow this (Core/Access/Roles.cs decides).</summary>
    public Permission Permission { get; }

    public List<string> Aliases { get; } = [];

    public List<ArgumentSpec> Arguments { get; } = [];

    public List<OptionSpec> Options { get; } = [];

    public CommandEffect Effect { get; internal set; } = CommandEffect.Read;

    /// <summary>Slow commands are acknowledged at once and answered later (Slack response_url, Discord deferred reply).</summary>
    public bool Slow { get; internal set; }

    /// <summary>Null: never confirmed. Otherwise asked before the handler runs.</summary>
    public ConfirmationRule? Confirmation { get; internal set; }

    /// <summary>What the confirmation prompt shows (the container, the dry-run list).</summary>
    public CommandHandler? Preview { get; internal set; }

    public CommandHandler Handler { get; internal set; } = _ => Task.FromResult(ChatReply.Error("This command has no handler."));

    public string Usage
    {
        get
        {
            var parts = new List<string> { Verb };
            parts.AddRange(Arguments.Select(a => a.Choices is { Count: > 0 } choices
                ? (a.Required ? "<" : "[") + string.Join("|", choices) + (a.Required ? ">" : "]")
                : a.Required ? $"<{a.Name}>" : $"[{a.Name}]"));
            parts.AddRange(Options.Select(o => o.Kind switch
            {
                OptionKind.Flag => $"[--{o.Name}]",
                OptionKind.Integer => $"[--{o.Name} N]",
                OptionKind.Labels => $"[--{o.Name} k=v]...",
                _ => $"[--{o.Name} 10m]",
            }));
            return string.Join(' ', parts);
        }
    }
}

/// <summary>The fluent form commands are declared in, so that each reads as one line.</summary>
public sealed class CommandBuilder(CommandDefinition definition)
{
    public CommandDefinition Definition => definition;

    public CommandBuilder Alias(string alias)
    {
        definition.Aliases.Add(alias);
        return this;
    }

    public CommandBuilder Container(bool required = true) =>
        Argument("container", "Container name, compose service, or ID prefix", required, ArgumentKind.Container);

    public CommandBuilder Argument(string name, string description, bool required = true, ArgumentKind kind = ArgumentKind.Text, params string[] choices)
    {
        definition.Arguments.Add(new ArgumentSpec(name, description, required, kind, choices.Length > 0 ? choices : null));
        return this;
    }

    public CommandBuilder Option(string name, OptionKind kind, string description, int min = 0, int max = int.MaxValue)
    {
        definition.Options.Add(new OptionSpec(name, kind, description, min, max));
        return this;
    }

    public CommandBuilder Changes()
    {
        definition.Effect = CommandEffect.Change;
        return this;
    }

    public CommandBuilder Slow()
    {
        definition.Slow = true;
        return this;
    }

    public CommandBuilder Confirm(CommandHandler preview, ConfirmationRule? when = null)
    {
        definition.Confirmation = when ?? (_ => Task.FromResult(true));
        definition.Preview = preview;
        return this;
    }

    public CommandDefinition Handle(CommandHandler handler)
    {
        definition.Handler = handler;
        return definition;
    }
}
