using System.Text.Json;
using DockerOps.Jobs.Storage;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Scheduling;

/// <summary>A recurring job's effective settings: built-in default, then configuration, then changes made through the API.</summary>
public sealed record JobSettings(string Cron, bool Enabled, IReadOnlyDictionary<string, string> Options);

public sealed record JobDefinition(string Id, string Description, JobSettings Defaults);

/// <summary>The recurring jobs DockerOps knows, and where their current settings come from.</summary>
public sealed class JobCatalog(JobsDatabase database, IOptions<JobsOptions> options)
{
    public const string HealthReconcile = "health-reconcile";
    public const string IncidentsCleanup = "incidents-cleanup";

    public static IReadOnlyDictionary<string, JobDefinition> Known { get; } = Build();

    private static Dictionary<string, JobDefinition> Build()
    {
        var known = new Dictionary<string, JobDefinition>(StringComparer.OrdinalIgnoreCase)
        {
            [HealthReconcile] = new(HealthReconcile,
                "Compares every engine's container list with the health watch, so that missed events are still alerted.",
                new JobSettings("*/5 * * * *", true, new Dictionary<string, string>())),
            [IncidentsCleanup] = new(IncidentsCleanup,
                "Removes resolved incidents and delivered-alert records older than retentionDays.",
                new JobSettings("17 3 * * *", true, new Dictionary<string, string> { ["retentionDays"] = "30" })),
        };
        foreach (var (id, prune) in PruneJobs.Kinds)
            known[id] = new JobDefinition(id, prune.Description, new JobSettings(prune.Cron, prune.Enabled, PruneJobs.DefaultOptions()));
        return known;
    }

    public JobSettings Current(string id)
    {
        var definition = Known[id];
        var settings = definition.Defaults;
        if (options.Value.Recurring.TryGetValue(id, out var configured))
            settings = Merge(settings, configured.Cron, configured.Enabled, configured.Options);
        if (Stored(id) is { } stored)
            settings = Merge(settings, stored.Cron, stored.Enabled, stored.Options);
        return settings;
    }

    /// <summary>Keeps a change made through the API, so that it outlives a restart.</summary>
    public void Store(string id, JobSettings settings)
    {
        using var connection = database.Open();
        JobsDatabase.Execute(connection, "INSERT INTO job_settings (id, body) VALUES (@id, @body) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            ("@id", id), ("@body", JsonSerializer.Serialize(settings)));
    }

    private JobSettings? Stored(string id)
    {
        using var connection = database.Open();
        using var command = JobsDatabase.Command(connection, "SELECT body FROM job_settings WHERE id = @id", ("@id", id));
        return command.ExecuteScalar() is string body ? JsonSerializer.Deserialize<JobSettings>(body) : null;
    }

    private static JobSettings Merge(JobSettings current, string? cron, bool? enabled, IReadOnlyDictionary<string, string>? more)
    {
        var merged = new Dictionary<string, string>(current.Options);
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
            merged[key] = value;
        return new JobSettings(string.IsNullOrWhiteSpace(cron) ? current.Cron : cron, enabled ?? current.Enabled, merged);
    }
}
