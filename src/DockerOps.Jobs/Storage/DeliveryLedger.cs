using System.Data.Common;

namespace DockerOps.Jobs.Storage;

public enum DeliveryClaim
{
    /// <summary>This caller may send now; it must call Delivered or Release.</summary>
    Claimed,

    /// <summary>It has been delivered already: do nothing.</summary>
    AlreadyDelivered,

    /// <summary>Another attempt holds it right now: try again later.</summary>
    Busy,
}

/// <summary>
/// Which alert deliveries have arrived. A delivery id is claimed with a lease before sending and
/// marked delivered after, so that the immediate attempt, the Hangfire job and any rerun of that
/// job never send the same alert to the same channel twice.
/// </summary>
public sealed class DeliveryLedger(JobsDatabase database, TimeProvider clock)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    public DeliveryClaim TryClaim(string deliveryId)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        // One statement, so that instances sharing a PostgreSQL store cannot both claim the same delivery.
        using (var claim = JobsDatabase.Command(connection, """
            INSERT INTO deliveries (id, state, lease_until, attempts) VALUES (@id, 'sending', @lease, 1)
            ON CONFLICT (id) DO UPDATE SET state = 'sending', lease_until = @lease, attempts = deliveries.attempts + 1
            WHERE deliveries.state <> 'delivered' AND NOT (deliveries.state = 'sending' AND deliveries.lease_until > @now)
            RETURNING id
            """, ("@id", deliveryId), ("@lease", now + (long)Lease.TotalMilliseconds), ("@now", now)))
        {
            if (claim.ExecuteScalar() is not null)
                return DeliveryClaim.Claimed;
        }

        return Read(connection, deliveryId) is ("delivered", _) ? DeliveryClaim.AlreadyDelivered : DeliveryClaim.Busy;
    }

    public void Delivered(string deliveryId)
    {
        using var connection = database.Open();
        JobsDatabase.Execute(connection, "UPDATE deliveries SET state = 'delivered', delivered_at = @now, last_error = NULL WHERE id = @id",
            ("@id", deliveryId), ("@now", clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    public void Release(string deliveryId, string error)
    {
        using var connection = database.Open();
        JobsDatabase.Execute(connection, "UPDATE deliveries SET state = 'pending', lease_until = 0, last_error = @error WHERE id = @id AND state <> 'delivered'",
            ("@id", deliveryId), ("@error", error));
    }

    public bool IsDelivered(string deliveryId)
    {
        using var connection = database.Open();
        return Read(connection, deliveryId) is ("delivered", _);
    }

    private static (string State, long LeaseUntil)? Read(DbConnection connection, string deliveryId)
    {
        using var command = JobsDatabase.Command(connection, "SELECT state, lease_until FROM deliveries WHERE id = @id", ("@id", deliveryId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }
}

/// <summary>Auto-heal's claims in the ledger, which instances sharing a PostgreSQL job store share too.</summary>
public sealed class LedgerAutoHealClaims(DeliveryLedger ledger) : DockerOps.Core.Incidents.IAutoHealClaims
{
    public Task<bool> TryClaimAsync(string claim, CancellationToken cancellationToken)
    {
        if (ledger.TryClaim(claim) != DeliveryClaim.Claimed)
            return Task.FromResult(false);
        ledger.Delivered(claim);
        return Task.FromResult(true);
    }
}
