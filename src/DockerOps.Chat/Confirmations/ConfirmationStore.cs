using System.Collections.Concurrent;
using System.Security.Cryptography;
using DockerOps.Chat.Commands;
using DockerOps.Chat.Identity;

namespace DockerOps.Chat.Confirmations;

public enum ConfirmationDecision
{
    Confirm,
    Approve,
    Cancel,
}

/// <summary>A destructive command waiting for its requester's click (and, when configured, a second person's).</summary>
public sealed class PendingConfirmation(string token, ChatIdentity requester, ChatUser user, CommandDefinition definition, BoundArguments arguments, bool needsSecondApprover, DateTimeOffset expiresAt)
{
    public string Token => token;

    public ChatIdentity Requester => requester;

    public ChatUser User => user;

    public CommandDefinition Definition => definition;

    public BoundArguments Arguments => arguments;

    public bool NeedsSecondApprover => needsSecondApprover;

    public bool RequesterConfirmed { get; set; }

    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
}

public enum ConfirmationState
{
    /// <summary>Never issued, already used, or cancelled.</summary>
    Unknown,
    Expired,

    /// <summary>Someone other than the requester clicked Confirm or Cancel.</summary>
    NotYours,
    Cancelled,
    AwaitingApproval,

    /// <summary>The requester tried to be their own second approver.</summary>
    SelfApproval,

    /// <summary>The approver's role does not allow the command.</summary>
    ApproverNotAllowed,
    Ready,
}

public sealed record ConfirmationOutcome(ConfirmationState State, PendingConfirmation? Pending, ChatUser? Approver = null);

/// <summary>
/// Confirmations in memory: single-use random tokens that expire (by <see cref="TimeProvider"/>)
/// and can only be confirmed by the user who asked. A restart forgets them, which is the safe way round.
/// </summary>
public sealed class ConfirmationStore(TimeProvider clock)
{
    private const int MaxPending = 10_000;
    private readonly ConcurrentDictionary<string, PendingConfirmation> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public PendingConfirmation Create(ChatIdentity requester, ChatUser user, CommandDefinition definition, BoundArguments arguments, bool needsSecondApprover, TimeSpan lifetime)
    {
        ForgetExpired();
        if (_pending.Count >= MaxPending)
            throw new InvalidOperationException("Too many confirmations are waiting.");
        var token = Base64Url(RandomNumberGenerator.GetBytes(16));
        var pending = new PendingConfirmation(token, requester, user, definition, arguments, needsSecondApprover, clock.GetUtcNow() + lifetime);
        _pending[token] = pending;
        return pending;
    }

    public ConfirmationOutcome Decide(string token, ChatUser clicker, ChatIdentity? clickerIdentity, ConfirmationDecision decision, TimeSpan lifetime)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(token, out var pending))
                return new(ConfirmationState.Unknown, null);
            if (clock.GetUtcNow() >= pending.ExpiresAt)
            {
                _pending.TryRemove(token, out _);
                return new(ConfirmationState.Expired, pending);
            }

            var isRequester = clicker.Platform == pending.User.Platform && clicker.UserId == pending.User.UserId;
            switch (decision)
            {
                case ConfirmationDecision.Cancel:
                    if (!isRequester)
                        return new(ConfirmationState.NotYours, pending);
                    _pending.TryRemove(token, out _);
                    return new(ConfirmationState.Cancelled, pending);

                case ConfirmationDecision.Confirm:
                    if (!isRequester)
                        return new(ConfirmationState.NotYours, pending);
                    if (pending.NeedsSecondApprover)
                    {
                        pending.RequesterConfirmed = true;
                        pending.ExpiresAt = clock.GetUtcNow() + lifetime;
                        return new(ConfirmationState.AwaitingApproval, pending);
                    }

                    _pending.TryRemove(token, out _);
                    return new(ConfirmationState.Ready, pending);

                default:
                    if (!pending.NeedsSecondApprover || !pending.RequesterConfirmed)
                        return new(ConfirmationState.Unknown, null);
                    if (isRequester)
                        return new(ConfirmationState.SelfApproval, pending);
                    if (clickerIdentity is null || !clickerIdentity.Actor.May(pending.Definition.Permission))
                        return new(ConfirmationState.ApproverNotAllowed, pending);
                    _pending.TryRemove(token, out _);
                    return new(ConfirmationState.Ready, pending, clicker);
            }
        }
    }

    private void ForgetExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (token, pending) in _pending)
        {
            if (now >= pending.ExpiresAt)
                _pending.TryRemove(token, out _);
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
