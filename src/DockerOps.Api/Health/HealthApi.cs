using System.ComponentModel;
using DockerOps.Core.Engines;
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
        group.MapGet("/readyz", Ready).WithName("Readiness").WithSummary("The default engine answers its ping.")
            .Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public static Ok<LivenessResponse> Live() => TypedResults.Ok(new LivenessResponse("live"));

    public static async Task<Results<Ok<ReadinessResponse>, JsonHttpResult<ReadinessResponse>>> Ready(
        IEngineRegistry engines, CancellationToken cancellationToken)
    {
        try
        {
            await engines.Default.PingAsync(cancellationToken);
            return TypedResults.Ok(new ReadinessResponse("ready", new Dictionary<string, string> { ["engine"] = "ok" }));
        }
        catch (EngineException ex)
        {
            return TypedResults.Json(
                new ReadinessResponse("unready", new Dictionary<string, string> { ["engine"] = ex.Message }),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

public sealed record LivenessResponse([property: Description("Always 'live' while the process answers.")] string Status);

public sealed record ReadinessResponse(
    [property: Description("'ready' or 'unready'.")] string Status,
    [property: Description("Each dependency and its state.")] IReadOnlyDictionary<string, string> Checks);
