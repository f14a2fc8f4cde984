using DockerOps.Core.Access;

namespace DockerOps.Chat.Commands;

/// <summary>Every verb <c>/docker</c> knows, by name and alias. Declared once in <see cref="DockerCommands"/>, then frozen.</summary>
public sealed class CommandRegistry
{
    private readonly List<CommandDefinition> _commands = [];
    private Dictionary<string, CommandDefinition>? _byName;

    public IReadOnlyList<CommandDefinition> Commands => _commands;

    public CommandBuilder Add(string verb, string summary, Permission permission)
    {
        if (_byName is not null)
            throw new InvalidOperationException("Commands are declared before the registry is frozen.");
        var definition = new CommandDefinition(verb, summary, permission);
        _commands.Add(definition);
        return new CommandBuilder(definition);
    }

    public CommandRegistry Freeze()
    {
        _byName = new Dictionary<string, CommandDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var command in _commands)
        {
            _byName.Add(command.Verb, command);
            foreach (var alias in command.Aliases)
                _byName.Add(alias, command);
        }

        return this;
    }

    public CommandDefinition? Find(string verb) =>
        (_byName ?? throw new InvalidOperationException("Freeze the registry before use.")).GetValueOrDefault(verb);
}
