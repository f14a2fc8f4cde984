using DockerOps.Core.Access;
using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Common;
using DockerOps.Core.Jobs;
using DockerOps.Jobs.Scheduling;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Jobs;

/// <summary>Recurring jobs under <c>/api/v1/jobs</c>: schedule, last run and outcome, next run.</summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/jobs").WithTags("Jobs");
        group.MapGet("", List).WithName("ListJobs").WithSummary("Every recurring job with its schedule, options, last run and outcome, and next run.").RequirePermission(Permission.JobsRead);
        group.MapPut("/{id}", Update).WithName("UpdateJob").WithSummary("Change a recurring job's cron schedule, enable or disable it, or change its options.").RequirePermission(Permission.JobsWrite);
        group.MapPost("/{id}/run", Run).WithName("RunJob").WithSummary("Run a recurring job now.").RequirePermission(Permission.JobsWrite);
        group.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<JobInfo>>, ProblemHttpResult>> List(HttpContext http, JobsService jobs, CancellationToken cancellationToken) =>
        Respond(await jobs.ListAsync(http.GetActor(), cancellationToken));

    public static async Task<Results<Ok<JobInfo>, ProblemHttpResult>> Update(
        HttpContext http, JobsService jobs, [Description("The job's id, such as incidents-cleanup.")] string id, JobUpdateBody body, CancellationToken cancellationToken) =>
        Respond(await jobs.UpdateAsync(http.GetActor(), id, new JobUpdate(body.Cron, body.Enabled, body.Options), cancellationToken));

    public static async Task<Results<Ok<JobRun>, ProblemHttpResult>> Run(
        HttpContext http, JobsService jobs, [Description("The job's id, such as incidents-cleanup.")] string id, CancellationToken cancellationToken) =>
        Respond(await jobs.RunNowAsync(http.GetActor(), id, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Respond<T>(Result<T> result) =>
        result.IsOk ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}

public sealed record JobUpdateBody(
    [property: Description("A cron expression: 5 fields, or 6 with seconds first; UTC.")] string? Cron,
    [property: Description("False removes the schedule until enabled again.")] bool? Enabled,
    [property: Description("Job-specific options, such as retentionDays.")] Dictionary<string, string>? Options);
