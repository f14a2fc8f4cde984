using System.ComponentModel;
using DockerOps.Core.Access;
using DockerOps.Core.Engines;
using DockerOps.Jobs.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Health;

/// <summary>Liveness and readiness for orchestrators and load balancers.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        // Probes from orchestrators and load balancers carry no key.
        var group = routes.MapGroup("").WithTags("Service health").AllowAnonymous();
        group.MapGet("/healthz", Live).WithName("Liveness").WithSummary("The process is up.");
        group.MapGet("/readyz", Ready).WithName("Readiness").WithSummary("Each dependency answers: the default engine's ping, the audit store can be written, and the job store (incidents, alert queue) answers.")
            .Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    // Probes are usually given a few seconds; Npgsql would otherwise wait 15 s for a connection.
    private static readonly TimeSpan JobStoreProbeTimeout = TimeSpan.FromSeconds(3);

    public static Ok<LivenessResponse> Live() => TypedResults.Ok(new LivenessResponse("live"));

    public static async Task<Results<Ok<ReadinessResponse>, JsonHttpResult<ReadinessResponse>>> Ready(
        IEngineRegistry engines, IAuditTrail audit, JobsDatabase jobs, CancellationToken cancellationToken)
    {
        // Both are checked every time, so the answer names everything that is wrong, not just the first.
        var checks = new Dictionary<string, string>
        {
            ["engine"] = await CheckAsync(() => engines.Default.PingAsync(cancellationToken)),
            // Without a writable audit store no change may be made (fail closed), so the service is not ready.
            ["storage"] = await CheckAsync(() => audit.EnsureWritableAsync(cancellationToken)),
            // Without it nothing is watched into incidents and no alert is queued: the product's promise is broken.
            ["jobs"] = await CheckAsync(() => jobs.PingAsync(JobStoreProbeTimeout, cancellationToken)),
        };
        var ready = checks.Values.All(v => v == "ok");
        var response = new ReadinessResponse(ready ? "ready" : "unready", checks);
        return ready ? TypedResults.Ok(response) : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> CheckAsync(Func<Task> check)
    {
        try
        {
            await check();
            return "ok";
        }
        catch (Exception ex) when (ex is EngineException or AuditUnavailableException or JobStoreUnavailableException)
        {
            return ex.Message;
        }
    }
}

public sealed record LivenessResponse([property: Description("Always 'live' while the process answers.")] string Status);

public sealed record ReadinessResponse(
    [property: Description("'ready' or 'unready'.")] string Status,
    [property: Description("Each dependency and its state.")] IReadOnlyDictionary<string, string> Checks);
