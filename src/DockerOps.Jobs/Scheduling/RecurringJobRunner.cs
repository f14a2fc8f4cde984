using DockerOps.Core.Common;
using System.Globalization;
using DockerOps.Jobs.Health;
using DockerOps.Jobs.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace DockerOps.Jobs.Scheduling;

/// <summary>
/// What Hangfire runs for each recurring job id. It reads the job's settings when it runs, so that
/// options changed through the API apply from the next run without re-registering. Each job is
/// safe to run twice.
/// </summary>
public sealed partial class RecurringJobRunner(
    JobCatalog catalog, PruneJobs prunes, HealthWatcher watcher, JobsIncidentStore incidents, JobsDatabase database, TimeProvider clock, ILogger<RecurringJobRunner> logger)
{
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await RunJobAsync(id, cancellationToken);
            DockerOpsMetrics.JobRun(id, "succeeded");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DockerOpsMetrics.JobRun(id, "failed");
            throw;
        }
    }

    private async Task RunJobAsync(string id, CancellationToken cancellationToken)
    {
        var settings = catalog.Current(id);
        switch (id)
        {
            case JobCatalog.HealthReconcile:
                watcher.RequestReconcile();
                break;
            case JobCatalog.IncidentsCleanup:
                var days = int.TryParse(settings.Options.GetValueOrDefault("retentionDays"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 30;
                var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(days);
                var removed = incidents.DeleteResolvedBefore(cutoff);
                using (var connection = database.Open())
                    JobsDatabase.Execute(connection, "DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < @cutoff", ("@cutoff", cutoff.ToUnixTimeMilliseconds()));
                LogCleanup(logger, removed, days);
                break;
            case var prune when PruneJobs.Kinds.ContainsKey(prune):
                await prunes.RunAsync(prune, settings, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"No recurring job is named '{id}'.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} resolved incidents older than {Days} days")]
    private static partial void LogCleanup(ILogger logger, int count, int days);
}
