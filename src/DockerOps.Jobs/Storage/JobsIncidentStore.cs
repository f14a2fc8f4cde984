using DockerOps.Core.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using DockerOps.Core.Incidents;

namespace DockerOps.Jobs.Storage;

/// <summary>Incidents and silences in <see cref="JobsDatabase"/> (SQLite or PostgreSQL), each row's body as JSON.</summary>
public sealed class JobsIncidentStore(JobsDatabase database) : IIncidentStore, IDisposable
{
    // The open-incidents gauge reads this store at each scrape, for as long as the host keeps it.
    private readonly IDisposable _openGauge = DockerOpsMetrics.ObserveOpenIncidents(() => CountOpen(database));

    public void Dispose() => _openGauge.Dispose();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // A resolved incident is never opened again by a save: an instance sharing the store may hold an older copy.
    public Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        JobsDatabase.Execute(connection, """
            INSERT INTO incidents (id, engine, container_id, cause, state, opened_at, resolved_at, body)
            VALUES (@id, @engine, @container, @cause, @state, @opened, @resolved, @body)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, resolved_at = excluded.resolved_at, body = excluded.body
            WHERE incidents.state = 'Open' OR excluded.state = 'Resolved'
            """,
            ("@id", incident.Id), ("@engine", incident.Engine), ("@container", incident.ContainerId), ("@cause", incident.Cause.ToString()),
            ("@state", incident.State.ToString()), ("@opened", incident.OpenedAt.ToUnixTimeMilliseconds()),
            ("@resolved", incident.ResolvedAt?.ToUnixTimeMilliseconds()), ("@body", JsonSerializer.Serialize(incident, Json)));
        return Task.CompletedTask;
    }

    public Task<Incident> OpenOnceAsync(Incident incident, CancellationToken cancellationToken)
    {
        using (var connection = database.Open())
        {
            JobsDatabase.Execute(connection, """
                INSERT INTO incidents (id, engine, container_id, cause, state, opened_at, resolved_at, body)
                VALUES (@id, @engine, @container, @cause, 'Open', @opened, NULL, @body)
                ON CONFLICT (engine, container_id, cause) WHERE state = 'Open' DO NOTHING
                """,
                ("@id", incident.Id), ("@engine", incident.Engine), ("@container", incident.ContainerId), ("@cause", incident.Cause.ToString()),
                ("@opened", incident.OpenedAt.ToUnixTimeMilliseconds()), ("@body", JsonSerializer.Serialize(incident, Json)));
        }

        var open = Query("SELECT body FROM incidents WHERE engine = @engine AND container_id = @container AND cause = @cause AND state = 'Open'",
            ("@engine", incident.Engine), ("@container", incident.ContainerId), ("@cause", incident.Cause.ToString()));
        // Resolved by another instance between the two statements: ours was not stored, but it is still the news.
        return Task.FromResult(open.FirstOrDefault() ?? incident);
    }

    public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Query("SELECT body FROM incidents WHERE id = @id", ("@id", id)).FirstOrDefault());

    public Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Query("SELECT body FROM incidents WHERE state = 'Open'"));

    public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset resolvedSince, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(Query(
            "SELECT body FROM incidents WHERE state = 'Open' OR resolved_at >= @since ORDER BY opened_at DESC LIMIT @limit",
            ("@since", resolvedSince.ToUnixTimeMilliseconds()), ("@limit", limit)));

    public Task SaveSilenceAsync(Silence silence, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        JobsDatabase.Execute(connection, "INSERT INTO silences (id, ends_at, body) VALUES (@id, @ends, @body) ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at, body = excluded.body",
            ("@id", silence.Id), ("@ends", silence.Ends.ToUnixTimeMilliseconds()), ("@body", JsonSerializer.Serialize(silence, Json)));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Silence>> ListSilencesAsync(DateTimeOffset endsAfter, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, "SELECT body FROM silences WHERE ends_at > @after ORDER BY ends_at",
            ("@after", endsAfter.ToUnixTimeMilliseconds()));
        using var reader = command.ExecuteReader();
        var silences = new List<Silence>();
        while (reader.Read())
            silences.Add(JsonSerializer.Deserialize<Silence>(reader.GetString(0), Json)!);
        return Task.FromResult<IReadOnlyList<Silence>>(silences);
    }

    public Task<bool> DeleteSilenceAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, "DELETE FROM silences WHERE id = @id", ("@id", id));
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    /// <summary>How many incidents are open now, for the <c>dockerops_incidents_open</c> gauge.</summary>
    public static long CountOpen(JobsDatabase database)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, "SELECT COUNT(*) FROM incidents WHERE state = 'Open'");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Removes resolved incidents older than the cut-off; returns how many.</summary>
    public int DeleteResolvedBefore(DateTimeOffset cutoff)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, "DELETE FROM incidents WHERE state = 'Resolved' AND resolved_at < @cutoff",
            ("@cutoff", cutoff.ToUnixTimeMilliseconds()));
        return command.ExecuteNonQuery();
    }

    private IReadOnlyList<Incident> Query(string sql, params (string, object?)[] parameters)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var incidents = new List<Incident>();
        while (reader.Read())
            incidents.Add(JsonSerializer.Deserialize<Incident>(reader.GetString(0), Json)!);
        return incidents;
    }
}
