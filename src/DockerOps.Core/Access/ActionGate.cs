using DockerOps.Core.Common;

namespace DockerOps.Core.Access;

/// <summary>
/// The one place that decides whether an actor may do something and records what happened.
/// Every use case, whichever channel called it, goes through here.
/// </summary>
public sealed class ActionGate(IAuditTrail audit, TimeProvider clock)
{
    /// <summary>For reads: checks the role, and records only a denial.</summary>
    public async Task<Error?> AuthorizeReadAsync(Actor actor, Permission permission, string action, CancellationToken cancellationToken)
    {
        if (actor.May(permission))
            return null;
        var error = Denied(actor, permission);
        await audit.AppendAsync(Record(actor, action, new AuditContext(), null, AuditOutcome.Denied, error.Detail, TimeSpan.Zero), cancellationToken);
        return error;
    }

    /// <summary>
    /// For changes: checks the role, makes sure the audit store can be written before touching
    /// anything, runs the action, and records its outcome before the caller answers.
    /// </summary>
    public async Task<Result<T>> RunAsync<T>(
        Actor actor,
        Permission permission,
        string action,
        IReadOnlyDictionary<string, string?>? parameters,
        Func<AuditContext, Task<Result<T>>> perform,
        CancellationToken cancellationToken)
    {
        var context = new AuditContext();
        if (!actor.May(permission))
        {
            var denied = Denied(actor, permission);
            await audit.AppendAsync(Record(actor, action, context, parameters, AuditOutcome.Denied, denied.Detail, TimeSpan.Zero), cancellationToken);
            return denied;
        }

        await audit.EnsureWritableAsync(cancellationToken);
        var started = clock.GetTimestamp();
        Result<T> result;
        try
        {
            result = await perform(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The record must exist even when the engine failed; the caller still sees the failure.
            await audit.AppendAsync(Record(actor, action, context, parameters, AuditOutcome.Failed, ex.Message, clock.GetElapsedTime(started)), CancellationToken.None);
            throw;
        }

        var outcome = result.IsOk ? AuditOutcome.Ok
            : result.Error!.Kind == ErrorKind.Forbidden ? AuditOutcome.Denied
            : AuditOutcome.Failed;
        await audit.AppendAsync(Record(actor, action, context, parameters, outcome, result.Error?.Detail, clock.GetElapsedTime(started)), CancellationToken.None);
        return result;
    }

    private static Error Denied(Actor actor, Permission permission) =>
        Error.Forbidden($"The {actor.Role.ToString().ToLowerInvariant()} role may not do this; it needs {permission.RequiredRole().ToString().ToLowerInvariant()}.");

    private AuditRecord Record(Actor actor, string action, AuditContext context, IReadOnlyDictionary<string, string?>? parameters, AuditOutcome outcome, string? reason, TimeSpan duration) =>
        new(clock.GetUtcNow(), actor.Id, actor.DisplayName, actor.Channel, action, context.Engine, context.TargetId, context.TargetName,
            AuditParameters.Scrub(parameters ?? new Dictionary<string, string?>()), outcome, reason, duration);
}
