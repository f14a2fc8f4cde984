namespace DockerOps.Core.Access;

public enum AuditOutcome
{
    Ok,
    Denied,
    Failed,
}

/// <summary>
/// One line of the audit trail. Parameters are recorded with secrets removed (environment values
/// are never stored); the actor is named by key name and id, never by the key itself.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string ActorId,
    string ActorName,
    Channel Channel,
    string Action,
    string? Engine,
    string? TargetId,
    string? TargetName,
    IReadOnlyDictionary<string, string?> Parameters,
    AuditOutcome Outcome,
    string? Reason,
    TimeSpan Duration);

/// <summary>The port to the append-only audit store.</summary>
public interface IAuditTrail
{
    /// <summary>
    /// Throws <see cref="AuditUnavailableException"/> when records cannot be written, so that the
    /// action is not performed (fail closed).
    /// </summary>
    Task EnsureWritableAsync(CancellationToken cancellationToken);

    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);
}

public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What an action fills in as it learns it: which engine and which object it acted on.</summary>
public sealed class AuditContext
{
    public string? Engine { get; set; }
    public string? TargetId { get; set; }
    public string? TargetName { get; set; }
}
