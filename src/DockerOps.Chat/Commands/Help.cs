using DockerOps.Core.Access;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Commands;

/// <summary><c>help</c>, <c>whoami</c> and usage answers.</summary>
public static class Help
{
    public static ChatReply For(CommandContext c)
    {
        var registry = c.Services.GetRequiredService<CommandRegistry>();
        var lines = registry.Commands
            .Where(command => c.Actor.May(command.Permission))
            .Select(command => $"{Replies.Code(string.Join('|', new[] { command.Verb }.Concat(command.Aliases)) + Arguments(command))} {command.Summary}")
            .ToArray();
        return ChatReply.Info($"/docker commands for the {Name(c.Actor.Role)} role", lines);
    }

    public static ChatReply WhoAmI(CommandContext c) => ChatReply.Info(
        $"You are {c.User.Mention}: {Name(c.Actor.Role)}",
        $"Scope: {c.Actor.Scope}",
        $"Mapped by {c.IdentitySource} on {c.User.Platform.ToString().ToLowerInvariant()}.");

    public static ChatReply Usage(string problem, CommandDefinition? command) => command is null
        ? ChatReply.Error(problem, "Try `/docker help` for the commands you may run.")
        : ChatReply.Error(problem, $"Usage: {Replies.Code("/docker " + command.Usage)}");

    internal static string Name(Role role) => role.ToString().ToLowerInvariant();

    private static string Arguments(CommandDefinition command)
    {
        var usage = command.Usage;
        var space = usage.IndexOf(' ');
        return space < 0 ? "" : usage[space..];
    }
}
