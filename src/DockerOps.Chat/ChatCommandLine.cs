using DockerOps.Chat.Commands;
using DockerOps.Chat.Discord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat;

/// <summary><c>discord register [--guild ID]</c>: bulk-overwrites the /docker command, generated from the command registry.</summary>
public static class ChatCommandLine
{
    /// <summary>The exit code when the arguments were a chat command (which has run); null to start the service.</summary>
    public static async Task<int?> RunChatCommandLineAsync(this IServiceProvider services, string[] args)
    {
        if (args.Length < 2 || args[0] != "discord" || args[1] != "register")
            return null;
        var guild = Array.IndexOf(args, "--guild") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (guild is not null && !ulong.TryParse(guild, out _))
            return Fail($"--guild must be a guild ID (a number), not '{guild}'.");

        var options = services.GetRequiredService<IOptions<DiscordOptions>>().Value;
        if (!ulong.TryParse(options.ApplicationId, out _) || string.IsNullOrWhiteSpace(options.BotToken))
            return Fail("discord register needs Discord:ApplicationId and Discord:BotToken (or Discord:BotToken_FILE).");

        var commands = DiscordCommandRegistration.Commands(services.GetRequiredService<CommandRegistry>());
        var (ok, status, body) = await services.GetRequiredService<DiscordRestClient>().OverwriteCommandsAsync(guild, commands, CancellationToken.None);
        if (!ok)
            return Fail($"Discord refused the commands with {status}: {body}");
        var subcommands = commands[0]!["options"]!.AsArray().Count;
        Console.WriteLine($"Registered /docker with {subcommands} subcommands {(guild is null ? "globally (may take up to an hour to appear)" : $"in guild {guild}")}.");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
