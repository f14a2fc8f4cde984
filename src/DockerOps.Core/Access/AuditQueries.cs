using DockerOps.Core.Common;

namespace DockerOps.Core.Access;

/// <summary>Filters for reading the audit trail; newest first, <see cref="Limit"/> records from <see cref="Offset"/>.</summary>
public sealed record AuditQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    AuditOutcome? Outcome = null,
    int Offset = 0,
    int Limit = AuditQuery.DefaultLimit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>A record as stored: its place in the chain and the hashes that link it.</summary>
public sealed record ChainedAuditRecord(long Sequence, AuditRecord Record, string PreviousHash, string Hash);

public sealed record AuditPage(IReadOnlyList<ChainedAuditRecord> Records, long Total, int Offset, int Limit);

/// <summary>
/// The result of walking the chain: intact, or the first record that does not fit and why. The chain
/// cannot show records cut from its end, so <see cref="LastSequence"/> and <see cref="LastHash"/> are
/// there to be copied elsewhere from time to time: a later head that does not extend them gives that away.
/// </summary>
public sealed record AuditVerification(bool Intact, long RecordsChecked, long? FirstBrokenSequence, string? Problem, long LastSequence, string LastHash);

/// <summary>The reading side of the audit store.</summary>
public interface IAuditReader
{
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Every record matching the filters (no paging), oldest first, for export.</summary>
    IAsyncEnumerable<ChainedAuditRecord> ExportAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);
}

/// <summary>Reading and verifying the audit trail: admins without a scope only, since it names every container.</summary>
public sealed class AuditService(IAuditReader reader, ActionGate gate)
{
    public async Task<Result<AuditPage>> QueryAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken)
    {
        if (await Authorize(actor, "audit.read", cancellationToken) is { } denied)
            return denied;
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
            return Error.Invalid("limit", $"limit must be between 1 and {AuditQuery.MaxLimit}.");
        if (query.Offset < 0)
            return Error.Invalid("offset", "offset cannot be negative.");
        return await reader.QueryAsync(query, cancellationToken);
    }

    public async Task<Result<IAsyncEnumerable<ChainedAuditRecord>>> ExportAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken)
    {
        if (await Authorize(actor, "audit.export", cancellationToken) is { } denied)
            return denied;
        return Wrap(reader.ExportAsync(query, cancellationToken));
    }

    public async Task<Result<AuditVerification>> VerifyAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (await Authorize(actor, "audit.verify", cancellationToken) is { } denied)
            return denied;
        return await reader.VerifyAsync(cancellationToken);
    }

    private static Result<T> Wrap<T>(T value) => value;

    private async Task<Error?> Authorize(Actor actor, string action, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.AuditRead, action, cancellationToken) is { } denied)
            return denied;
        return actor.Scope.IsUnrestricted ? null : Error.Forbidden("Managing keys and reading the audit trail needs an admin key without a scope.");
    }
}

/// <summary>Removes secrets from recorded parameters: values of anything that looks like a credential are never stored.</summary>
public static class AuditParameters
{
    private static readonly string[] SecretMarkers = ["password", "passwd", "secret", "token", "apikey", "api_key", "credential", "private"];

    public const string Redacted = "[redacted]";

    /// <summary>Redacts secrets and leaves out parameters that were not given (null).</summary>
    public static IReadOnlyDictionary<string, string?> Scrub(IReadOnlyDictionary<string, string?> parameters) =>
        parameters.Where(p => p.Value is not null).ToDictionary(
            p => p.Key,
            p => IsSecretName(p.Key) || LooksLikeKey(p.Value!) ? Redacted : p.Value);

    private static bool IsSecretName(string name) =>
        SecretMarkers.Any(marker => name.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private static bool LooksLikeKey(string value) => value.Contains(ApiKeySecrets.Prefix, StringComparison.Ordinal) && value.Length > 40;
}
