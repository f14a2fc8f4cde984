using System.Globalization;
using DockerOps.Core.Common;
using DockerOps.Core.Incidents;
using DockerOps.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Commands;

/// <summary>
/// Jobs and incidents as short chat answers, through the same use cases as <c>/api/v1/jobs</c> and
/// <c>/api/v1/incidents</c> (same actor, permission, scope, audit and errors). Chat knows the jobs only
/// through Core's <see cref="IScheduledJobs"/> port, never the scheduler behind it.
/// </summary>
public static class OperationsReplies
{
    /// <summary>How far back <c>incidents</c> counts resolved ones, as the REST list does by default.</summary>
    private static readonly TimeSpan RecentlyResolved = TimeSpan.FromHours(24);
    private const int IncidentLimit = 100;

    public static async Task<ChatReply> JobsAsync(CommandContext c) =>
        Jobs(await c.Services.GetRequiredService<IScheduledJobs>().ListAsync(c.Actor, c.CancellationToken));

    public static async Task<ChatReply> RunJobAsync(CommandContext c)
    {
        var run = await c.Services.GetRequiredService<IScheduledJobs>().RunNowAsync(c.Actor, c.Args.Text("job") ?? "", c.CancellationToken);
        if (!run.IsOk)
            return Replies.FromError(run.Error!);
        return ChatReply.Success($"{c.User.Mention} started job {Replies.Code(run.Value.Id)}",
            run.Value.JobId.Length > 0 ? $"Run {Replies.Code(run.Value.JobId)}; `/docker jobs` shows how it went." : "`/docker jobs` shows how it went.");
    }

    public static async Task<ChatReply> IncidentsAsync(CommandContext c) =>
        Incidents(await c.Services.GetRequiredService<IncidentService>().ListAsync(c.Actor, RecentlyResolved, IncidentLimit, c.CancellationToken));

    public static async Task<ChatReply> AcknowledgeAsync(CommandContext c)
    {
        var result = await c.Services.GetRequiredService<IncidentService>().AcknowledgeAsync(c.Actor, c.Args.Text("incident") ?? "", c.CancellationToken);
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var incident = result.Value;
        var what = $"{Replies.Code(incident.ContainerName)} {IncidentService.Describe(incident.Cause)}";
        // Acknowledging twice changes nothing: the first person stays on record.
        return incident.AcknowledgedBy == c.Actor.DisplayName && incident.Timeline[^1].Text == $"acknowledged by {c.Actor.DisplayName}"
            ? ChatReply.Success($"{c.User.Mention} acknowledged incident {Replies.Code(incident.Id)}", what + (incident.IsOpen ? "." : " (already resolved)."))
            : ChatReply.Info($"Incident {Replies.Code(incident.Id)} was already acknowledged by {incident.AcknowledgedBy}.", what + ".");
    }

    public static async Task<ChatReply> SilenceAsync(CommandContext c)
    {
        // Resolved like every container argument (scope, compose service, ID prefix), so that the
        // silence names the container the way the health watch sees it.
        var container = await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken);
        if (!container.IsOk)
            return Replies.FromError(container.Error!);
        var duration = DockerDuration.Format(c.Args.Duration("duration") ?? TimeSpan.Zero);
        var result = await c.Services.GetRequiredService<IncidentService>().SilenceAsync(c.Actor,
            new SilenceRequest(SilenceKind.Silence, container.Value.Name, null, duration, null, $"from {c.User.Platform.ToString().ToLowerInvariant()} by {c.Actor.DisplayName}"),
            c.CancellationToken);
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var silence = result.Value;
        return ChatReply.Success($"{c.User.Mention} silenced alerts for {Replies.Code(container.Value.Name)} for {duration}",
            $"Until {Time(silence.Ends)}; incidents are still recorded. Silence {Replies.Code(silence.Id)}.");
    }

    public static ChatReply Jobs(Result<IReadOnlyList<JobInfo>> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var jobs = result.Value.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        if (jobs.Count == 0)
            return ChatReply.Info("No recurring jobs.");
        return ResourceReplies.Table($"{jobs.Count} job(s), {jobs.Count(j => j.Enabled)} enabled", jobs.Count,
            $"{"JOB",-24} {"SCHEDULE",-14} {"LAST RUN",-17} {"OUTCOME",-10} NEXT RUN",
            jobs.Take(ResourceReplies.MaxRows).Select(j =>
                $"{ResourceReplies.Cut(j.Id, 24),-24} {ResourceReplies.Cut(j.Enabled ? j.Cron : "off", 14),-14} {Time(j.LastRun),-17} {ResourceReplies.Cut((j.LastOutcome ?? "-").ToLowerInvariant(), 10),-10} {Time(j.NextRun)}"));
    }

    public static ChatReply Incidents(Result<IReadOnlyList<Incident>> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var open = result.Value.Where(i => i.IsOpen).OrderByDescending(i => i.OpenedAt).ToList();
        var resolved = result.Value.Count - open.Count;
        var recently = resolved > 0 ? $"; {resolved} resolved in the last 24 h" : "";
        if (open.Count == 0)
            return ChatReply.Info($"No open incidents you can see{recently}.");
        return ResourceReplies.Table($"{open.Count} open incident(s){recently}", open.Count,
            $"{"ID",-16} {"CONTAINER",-28} {"CAUSE",-12} {"SINCE",-17} ACKNOWLEDGED",
            open.Take(ResourceReplies.MaxRows).Select(i =>
                $"{i.Id,-16} {ResourceReplies.Cut(i.ContainerName, 28),-28} {i.Cause.Name(),-12} {Time(i.OpenedAt),-17} {i.AcknowledgedBy ?? "-"}"));
    }

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
