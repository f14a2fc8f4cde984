using DockerOps.Chat.Commands;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DockerOps.Chat.Tests;

/// <summary>Any input gives usage or a result, never an exception: for the parser alone and for whole turns.</summary>
public sealed class CommandFuzzTests : IDisposable
{
    private static readonly CommandRegistry Registry = DockerCommands.Create();
    private static readonly string[] Vocabulary =
    [
        "help", "ps", "status", "inspect", "logs", "stats", "health", "start", "stop", "restart", "pause", "unpause", "kill", "rm",
        "prune", "volumes", "networks", "images", "df", "posture", "jobs", "run", "incidents", "ack", "silence", "whoami",
        "api-1", "worker", "vault", "old", "--tail", "--since", "--dry-run", "--force", "--", "-", "=", "10m", "0", "-1", "99999999999",
        "\"", "'", "\u201C", "\u201D", "\\", "`", "<@U1>", "containers", "system", "1h30m", "\n", "\t", "é", "💥", "--tail=", "--since=x",
    ];

    private readonly ChatUnitHost _host = new();

    private static Arbitrary<string> CommandText() =>
        Gen.OneOf(
                Gen.Elements(Vocabulary),
                ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
                ArbMap.Default.GeneratorFor<char>().Select(c => c.ToString()))
            .ListOf()
            .Select(words => string.Join(" ", words))
            .ToArbitrary();

    [Property(MaxTest = 3000)]
    public Property Parsing_any_text_gives_a_command_or_a_problem()
        => Prop.ForAll(CommandText(), text =>
        {
            var outcome = CommandParser.Parse(Registry, text, DateTimeOffset.UnixEpoch);
            return outcome.IsOk ? outcome.Definition is not null && outcome.Arguments is not null : !string.IsNullOrWhiteSpace(outcome.Problem);
        });

    [Property(MaxTest = 500)]
    public Property Any_command_from_any_user_ends_in_a_reply(string? userId)
        => Prop.ForAll(CommandText(), text =>
        {
            var users = new[] { "UVIEWER", "UOPERATOR", "UADMIN", userId ?? "" };
            foreach (var user in users)
            {
                var reply = _host.RunAsync(ChatUnitHost.Slack(user), text).GetAwaiter().GetResult();
                if (string.IsNullOrWhiteSpace(reply.Headline))
                    return false;
            }

            return true;
        });

    [Property(MaxTest = 300)]
    public Property Any_button_id_from_anyone_ends_in_a_reply(string? actionId, string? userId)
    {
        var reply = _host.ClickAsync(ChatUnitHost.Slack(userId ?? ""), actionId ?? "").GetAwaiter().GetResult();
        return (!string.IsNullOrWhiteSpace(reply.Headline)).ToProperty();
    }

    public void Dispose() => _host.Dispose();
}
