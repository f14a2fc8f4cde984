using DockerOps.Core.Common;
using DockerOps.Chat.Confirmations;
using DockerOps.Chat.Identity;
using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Core.Engines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Commands;

/// <summary>What the caller typed: free text (Slack) or a subcommand with named options (Discord).</summary>
public sealed record ChatInput(string? Text, string? Verb = null, IReadOnlyDictionary<string, string>? Options = null)
{
    public static ChatInput FromText(string? text) => new(text);

    public static ChatInput FromOptions(string verb, IReadOnlyDictionary<string, string> options) => new(null, verb, options);
}

/// <summary>
/// Work to do after the quick checks: answered inline if fast, else acknowledged and delivered later.
/// <see cref="InChannel"/> is known before running, for platforms that must choose visibility when they defer.
/// </summary>
public sealed record CommandRun(string Verb, bool Slow, bool InChannel, Func<CancellationToken, Task<ChatReply>> ExecuteAsync);

/// <summary>
/// The platforms' answer to one message or click: an immediate reply (usage, refusal) or a run.
/// <see cref="UpdatesPrompt"/> says the answer replaces the confirmation message (removing its buttons).
/// </summary>
public sealed record ChatTurn(ChatReply? Immediate, CommandRun? Run, bool UpdatesPrompt = false)
{
    public static ChatTurn Reply(ChatReply reply, bool updatesPrompt = false) => new(reply, null, updatesPrompt);
}

/// <summary>
/// The platform-independent middle of chat-ops: who is asking, what they asked, whether they may
/// (the command's precondition, checked and recorded by <see cref="ActionGate"/>), whether it must
/// be confirmed, and running the handler so that nothing but a reply ever comes out.
/// </summary>
public sealed partial class ChatCommandRunner(
    CommandRegistry registry,
    ChatIdentities identities,
    ConfirmationStore confirmations,
    ActionGate gate,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<ChatOptions> options,
    ILogger<ChatCommandRunner> logger)
{
    /// <summary>Confirmation buttons share the alert buttons' prefix, so that one handler takes every DockerOps click.</summary>
    public const string ButtonPrefix = AlertActions.Prefix;

    private TimeSpan ConfirmationLifetime => TimeSpan.FromSeconds(options.Value.ConfirmationSeconds);

    public ChatIdentity? Identify(ChatUser user) => identities.Resolve(user);

    public ChatTurn Begin(ChatUser user, ChatInput input)
    {
        var identity = identities.Resolve(user);
        if (identity is null)
            return ChatTurn.Reply(NotMapped(user));
        if (!identities.ChannelAllowed(user))
            return ChatTurn.Reply(ChatReply.Error("DockerOps does not take commands in this channel."));

        var parsed = input.Text is not null || input.Verb is null
            ? CommandParser.Parse(registry, input.Text, clock.GetUtcNow())
            : CommandParser.ParseNamed(registry, input.Verb, input.Options ?? new Dictionary<string, string>(), clock.GetUtcNow());
        if (!parsed.IsOk)
            return ChatTurn.Reply(Help.Usage(parsed.Problem!, parsed.Definition));

        var definition = parsed.Definition!;
        // A caller whose role cannot run the verb is refused privately: platforms that defer choose visibility now.
        var inChannel = identity.Actor.May(definition.Permission)
            && (definition.Effect == CommandEffect.Change ? options.Value.ChangesInChannel : options.Value.ReadsInChannel);
        return new ChatTurn(null, new CommandRun(definition.Verb, definition.Slow, inChannel,
            ct => CountedAsync(user, definition.Verb, SafelyAsync(() => ExecuteAsync(identity, user, definition, parsed.Arguments!, ct), ct))));
    }

    /// <summary>A click on a Confirm, Approve or Cancel button, by whoever clicked it.</summary>
    public ChatTurn Click(ChatUser user, string actionId)
    {
        if (AlertActions.TryParse(actionId, out var verb, out var argument) && registry.Find(verb) is { Arguments: [var first, ..] })
        {
            // Alert buttons run a command as whoever clicked, through every usual check.
            return Begin(user, ChatInput.FromOptions(verb, new Dictionary<string, string> { [first.Name] = argument }));
        }

        var parts = actionId.Split(':');
        if (parts.Length != 3 || parts[0] != ButtonPrefix || !Enum.TryParse<ConfirmationDecision>(parts[1], ignoreCase: true, out var decision))
            return ChatTurn.Reply(ChatReply.Error("That button is not one of DockerOps'."));

        var outcome = confirmations.Decide(parts[2], user, identities.Resolve(user), decision, ConfirmationLifetime);
        var pending = outcome.Pending;
        switch (outcome.State)
        {
            case ConfirmationState.Unknown:
                return ChatTurn.Reply(ChatReply.Error("This confirmation was already used or cancelled."));
            case ConfirmationState.Expired:
                return ChatTurn.Reply(ChatReply.Warning($"This confirmation expired after {options.Value.ConfirmationSeconds} s; run the command again."), updatesPrompt: true);
            case ConfirmationState.NotYours:
                return ChatTurn.Reply(ChatReply.Error($"Only {pending!.User.Mention} can confirm or cancel this."));
            case ConfirmationState.SelfApproval:
                return ChatTurn.Reply(ChatReply.Error("The second approval must come from someone else."));
            case ConfirmationState.ApproverNotAllowed:
                return ChatTurn.Reply(ChatReply.Error($"Your role may not approve {Replies.Code(pending!.Definition.Verb)}."));
            case ConfirmationState.Cancelled:
                return ChatTurn.Reply(ChatReply.Info($"Cancelled: {Replies.Code(Describe(pending!))} was not run."), updatesPrompt: true);
            case ConfirmationState.AwaitingApproval:
                return ChatTurn.Reply(ChatReply.Warning(
                    $"{pending!.User.Mention} confirmed {Replies.Code(Describe(pending))}.",
                    $"A second person allowed to {pending.Definition.Verb} must approve within {options.Value.ConfirmationSeconds} s.")
                    with { InChannel = true, Buttons = Buttons(pending.Token, ConfirmationDecision.Approve, "Approve") }, updatesPrompt: true);
            default:
                var run = new CommandRun(pending!.Definition.Verb, Slow: true, options.Value.ChangesInChannel, ct => CountedAsync(pending.User, pending.Definition.Verb, SafelyAsync(async () =>
                {
                    var context = new CommandContext(pending.Requester, pending.User, pending.Definition, pending.Arguments, services, ct);
                    var reply = Visible(pending.Definition, await pending.Definition.Handler(context));
                    return outcome.Approver is { } approver ? reply with { Lines = [.. reply.Lines, $"Approved by {approver.Mention}."] } : reply;
                }, ct)));
                return new ChatTurn(null, run, UpdatesPrompt: true);
        }
    }

    /// <summary>Counts the command by platform, verb and how its answer came out (success, info, warning, error).</summary>
    private static async Task<ChatReply> CountedAsync(ChatUser user, string verb, Task<ChatReply> answer)
    {
        var reply = await answer;
        DockerOpsMetrics.ChatCommand(user.Platform.ToString().ToLowerInvariant(), verb, reply.Tone.ToString().ToLowerInvariant());
        return reply;
    }

    private async Task<ChatReply> ExecuteAsync(ChatIdentity identity, ChatUser user, CommandDefinition definition, BoundArguments arguments, CancellationToken cancellationToken)
    {
        // The precondition, through the same gate as every use case, so that a refusal is on the record.
        if (await gate.AuthorizeReadAsync(identity.Actor, definition.Permission, $"chat.{definition.Verb}", cancellationToken) is { } denied)
            return Replies.FromError(denied);

        var context = new CommandContext(identity, user, definition, arguments, services, cancellationToken);
        if (definition.Confirmation is { } rule && await rule(context))
        {
            var preview = await definition.Preview!(context);
            // Only a warning asks a question; an error (refused) or info (nothing to do) is the whole answer.
            if (preview.Tone != ReplyTone.Warning)
                return preview;
            var secondApprover = options.Value.SecondApproval.Contains(definition.Verb, StringComparer.OrdinalIgnoreCase);
            var pending = confirmations.Create(identity, user, definition, arguments, secondApprover, ConfirmationLifetime);
            var who = secondApprover ? " A second person must approve after you." : "";
            return preview with
            {
                Lines = [.. preview.Lines, $"Only {user.Mention} can confirm, within {options.Value.ConfirmationSeconds} s.{who}"],
                Buttons = Buttons(pending.Token, ConfirmationDecision.Confirm, "Confirm"),
                InChannel = false,
            };
        }

        return Visible(definition, await definition.Handler(context));
    }

    private ChatReply Visible(CommandDefinition definition, ChatReply reply) => reply with
    {
        InChannel = reply.Tone != ReplyTone.Error
            && (definition.Effect == CommandEffect.Change ? options.Value.ChangesInChannel : options.Value.ReadsInChannel),
    };

    /// <summary>Whatever goes wrong below becomes a short reply; the platforms never see an exception.</summary>
    private async Task<ChatReply> SafelyAsync(Func<Task<ChatReply>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ChatReply.Warning("Stopped: DockerOps is shutting down.");
        }
        catch (AuditUnavailableException)
        {
            return ChatReply.Error("Not done: the action could not be recorded in the audit trail.");
        }
        catch (EngineUnavailableException ex)
        {
            return ChatReply.Error("The Docker engine cannot be reached.", ex.Message);
        }
        catch (EngineTimeoutException ex)
        {
            return ChatReply.Error("The Docker engine did not answer in time.", ex.Message);
        }
        catch (EngineException ex)
        {
            return ChatReply.Error("The Docker engine refused or failed.", ex.Message);
        }
        catch (Exception ex)
        {
            LogUnexpected(logger, ex);
            return ChatReply.Error("Something went wrong; the service log has the details.");
        }
    }

    private static ChatReply NotMapped(ChatUser user) => ChatReply.Error(
        "You are not mapped to a DockerOps role.",
        $"Ask an admin to add your {user.Platform.ToString().ToLowerInvariant()} user ID {Replies.Code(user.UserId)} to Chat:Identities.");

    private static string Describe(PendingConfirmation pending) => $"{pending.Definition.Verb} {pending.Arguments}".Trim();

    private static IReadOnlyList<ChatButton> Buttons(string token, ConfirmationDecision decision, string label) =>
    [
        new(label, $"{ButtonPrefix}:{decision.ToString().ToLowerInvariant()}:{token}", ChatButtonStyle.Danger),
        new("Cancel", $"{ButtonPrefix}:cancel:{token}", ChatButtonStyle.Secondary),
    ];

    [LoggerMessage(Level = LogLevel.Error, Message = "A chat command failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
