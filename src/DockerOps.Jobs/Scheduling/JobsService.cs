using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Jobs;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;

namespace DockerOps.Jobs.Scheduling;

/// <summary>A change to a recurring job; unset fields stay as they are.</summary>
public sealed record JobUpdate(string? Cron, bool? Enabled, Dictionary<string, string>? Options);

/// <summary>The recurring-job use cases: list, change, run now. Authorized and audited like every other action.</summary>
public sealed class JobsService(JobCatalog catalog, JobStorage storage, IRecurringJobManager recurring, IBackgroundJobClient jobs, ActionGate gate, TimeProvider clock) : IScheduledJobs
{
    public async Task<Result<IReadOnlyList<JobInfo>>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.JobsRead, "job.list", cancellationToken) is { } denied)
            return denied;
        using var connection = storage.GetConnection();
        var registered = connection.GetRecurringJobs(JobCatalog.Known.Keys).ToDictionary(j => j.Id, StringComparer.OrdinalIgnoreCase);
        return Ok<IReadOnlyList<JobInfo>>(JobCatalog.Known.Values.Select(d => Describe(d, registered.GetValueOrDefault(d.Id))).ToList());
    }

    public Task<Result<JobInfo>> UpdateAsync(Actor actor, string id, JobUpdate update, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.JobsWrite, "job.update",
            new Dictionary<string, string?> { ["id"] = id, ["cron"] = update.Cron, ["enabled"] = update.Enabled?.ToString(), ["options"] = update.Options is null ? null : string.Join(",", update.Options.Keys) },
            audit =>
            {
                audit.TargetName = id;
                if (!JobCatalog.Known.TryGetValue(id, out var definition))
                    return Task.FromResult<Result<JobInfo>>(Error.NotFound($"No recurring job is named '{id}'. Known: {string.Join(", ", JobCatalog.Known.Keys)}."));
                if (update.Cron is { } cron && CronCheck.Problem(cron) is { } problem)
                    return Task.FromResult<Result<JobInfo>>(Error.Invalid("cron", $"'{cron}' is not a valid cron expression: {problem}"));
                var unknown = update.Options?.Keys.FirstOrDefault(k => !definition.Defaults.Options.ContainsKey(k));
                if (unknown is not null)
                    return Task.FromResult<Result<JobInfo>>(Error.Invalid($"options.{unknown}", $"'{id}' has no option '{unknown}' (it has: {string.Join(", ", definition.Defaults.Options.Keys)})."));

                var current = catalog.Current(id);
                var options = new Dictionary<string, string>(current.Options);
                foreach (var (key, value) in update.Options ?? [])
                    options[key] = value;
                if (PruneJobs.Kinds.ContainsKey(id) && PruneJobs.ValidateOptions(options, clock.GetUtcNow()) is { } badOption)
                    return Task.FromResult<Result<JobInfo>>(badOption);
                var settings = new JobSettings(update.Cron?.Trim() ?? current.Cron, update.Enabled ?? current.Enabled, options);
                catalog.Store(definition.Id, settings);
                Register(recurring, definition.Id, settings);
                using var connection = storage.GetConnection();
                return Task.FromResult<Result<JobInfo>>(Describe(definition, connection.GetRecurringJobs([definition.Id]).FirstOrDefault()));
            }, cancellationToken);

    public Task<Result<JobRun>> RunNowAsync(Actor actor, string id, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.JobsWrite, "job.run", new Dictionary<string, string?> { ["id"] = id }, audit =>
        {
            audit.TargetName = id;
            if (!JobCatalog.Known.TryGetValue(id, out var definition))
                return Task.FromResult<Result<JobRun>>(Error.NotFound($"No recurring job is named '{id}'. Known: {string.Join(", ", JobCatalog.Known.Keys)}."));
            // A disabled job is not registered with Hangfire, so it cannot be triggered; enqueue it instead.
            var jobId = catalog.Current(definition.Id).Enabled
                ? Trigger(definition.Id)
                : jobs.Create(Job.FromExpression<RecurringJobRunner>(r => r.RunAsync(definition.Id, CancellationToken.None)), new EnqueuedState());
            return Task.FromResult<Result<JobRun>>(new JobRun(definition.Id, jobId ?? ""));
        }, cancellationToken);

    private string? Trigger(string id)
    {
        if (recurring is IRecurringJobManagerV2 v2)
            return v2.TriggerJob(id);
        recurring.Trigger(id);
        return null;
    }

    /// <summary>Registers (or, when disabled, removes) the job with Hangfire.</summary>
    public static void Register(IRecurringJobManager recurring, string id, JobSettings settings)
    {
        if (settings.Enabled)
            recurring.AddOrUpdate<RecurringJobRunner>(id, r => r.RunAsync(id, CancellationToken.None), settings.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        else
            recurring.RemoveIfExists(id);
    }

    private JobInfo Describe(JobDefinition definition, RecurringJobDto? registered)
    {
        var settings = catalog.Current(definition.Id);
        return new JobInfo(
            definition.Id,
            definition.Description,
            settings.Cron,
            settings.Enabled,
            settings.Options,
            settings.Enabled ? Utc(registered?.NextExecution) : null,
            Utc(registered?.LastExecution),
            registered?.LastJobState,
            registered?.LastJobId,
            registered?.Error);
    }

    private static DateTimeOffset? Utc(DateTime? time) => time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static Result<T> Ok<T>(T value) => value;
}

/// <summary>Registers the recurring jobs with their current settings when the service starts.</summary>
internal sealed class RecurringJobsRegistrar(JobCatalog catalog, IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var id in JobCatalog.Known.Keys)
            JobsService.Register(recurring, id, catalog.Current(id));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
