namespace DockerOps.Core.Access;

/// <summary>
/// An audit trail held in memory: for Core's tests, and for hosts run without a data folder.
/// It is not durable; the service's own store is the SQLite one.
/// </summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    private readonly List<AuditRecord> _records = [];
    private readonly Lock _lock = new();

    public bool Writable { get; set; } = true;

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_lock)
                return _records.ToList();
        }
    }

    public Task EnsureWritableAsync(CancellationToken cancellationToken) =>
        Writable ? Task.CompletedTask : throw new AuditUnavailableException("The audit store cannot be written.");

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        if (!Writable)
            throw new AuditUnavailableException("The audit store cannot be written.");
        lock (_lock)
            _records.Add(record);
        return Task.CompletedTask;
    }
}
