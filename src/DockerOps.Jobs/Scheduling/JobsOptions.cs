using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Scheduling;

/// <summary>Settings under <c>Jobs:</c>: the Hangfire job store and the recurring jobs' defaults.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary><c>sqlite</c> (a file in the data folder; one instance) or <c>postgresql</c> (instances share jobs).</summary>
    public string Storage { get; set; } = "sqlite";

    /// <summary>For PostgreSQL: the Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>For SQLite: the file name in the data folder.</summary>
    public string SqliteFile { get; set; } = "hangfire.db";

    /// <summary>How often idle workers look for new jobs (Hangfire.Storage.SQLite's default of 15 s is far too slow for alerts).</summary>
    public double QueuePollIntervalSeconds { get; set; } = 1;

    public int WorkerCount { get; set; } = 4;

    /// <summary>Per recurring job (by id): cron, enabled and options; unset fields keep the built-in default.</summary>
    public Dictionary<string, RecurringJobSettings> Recurring { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool UsesPostgreSql => Storage.Equals("postgresql", StringComparison.OrdinalIgnoreCase);
}

public sealed class RecurringJobSettings
{
    public string? Cron { get; set; }
    public bool? Enabled { get; set; }
    public Dictionary<string, string> Options { get; set; } = [];
}

internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var failures = new List<string>();
        if (options.Storage.ToLowerInvariant() is not ("sqlite" or "postgresql"))
            failures.Add($"Jobs:Storage must be sqlite or postgresql (got '{options.Storage}').");
        if (options.UsesPostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
            failures.Add("Jobs:ConnectionString is required when Jobs:Storage is postgresql.");
        else if (options.UsesPostgreSql && ConnectionStringProblem(options.ConnectionString!) is { } problem)
            failures.Add($"Jobs:ConnectionString is not a valid PostgreSQL connection string: {problem}");
        if (options.QueuePollIntervalSeconds is < 0.05 or > 1)
            failures.Add($"Jobs:QueuePollIntervalSeconds must be between 0.05 and 1 (got {options.QueuePollIntervalSeconds}).");
        if (options.WorkerCount is < 1 or > 64)
            failures.Add($"Jobs:WorkerCount must be between 1 and 64 (got {options.WorkerCount}).");
        foreach (var (id, settings) in options.Recurring)
        {
            if (!JobCatalog.Known.ContainsKey(id))
                failures.Add($"Jobs:Recurring:{id} is not a known job (known: {string.Join(", ", JobCatalog.Known.Keys)}).");
            else if (settings.Cron is { } cron && CronCheck.Problem(cron) is { } problem)
                failures.Add($"Jobs:Recurring:{id}:Cron '{cron}' is not a valid cron expression: {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with it, never the string itself: it usually holds a password.</summary>
    private static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException ex)
        {
            // Npgsql names the keyword it did not understand, not the value.
            return ex.Message;
        }
    }
}
