using DockerOps.Core.Access;
using DockerOps.Core.Common;

namespace DockerOps.Core.Jobs;

/// <summary>A recurring job as the API and chat show it.</summary>
public sealed record JobInfo(
    string Id,
    string Description,
    string Cron,
    bool Enabled,
    IReadOnlyDictionary<string, string> Options,
    DateTimeOffset? NextRun,
    DateTimeOffset? LastRun,
    string? LastOutcome,
    string? LastJobId,
    string? Error);

public sealed record JobRun(string Id, string JobId);

/// <summary>
/// The port to the recurring jobs, for callers that must not know the scheduler (chat): listing them and
/// running one now, authorized and audited by the implementation like every other use case.
/// </summary>
public interface IScheduledJobs
{
    Task<Result<IReadOnlyList<JobInfo>>> ListAsync(Actor actor, CancellationToken cancellationToken);

    Task<Result<JobRun>> RunNowAsync(Actor actor, string id, CancellationToken cancellationToken);
}
