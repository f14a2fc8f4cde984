using DockerOps.Core.Access;
using DockerOps.Api.Setup;
using DockerOps.Jobs.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Alerts;

/// <summary>Alert channels under <c>/api/v1/alerts</c>.</summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alerts").WithTags("Alerts");
        group.MapPost("/test", Test).WithName("TestAlerts").WithSummary("Send a test message to every configured channel and report each one's result.")
            .RequirePermission(Permission.IncidentsWrite);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ChannelTestResult>>, ProblemHttpResult>> Test(
        HttpContext http, AlertsService alerts, CancellationToken cancellationToken)
    {
        var result = await alerts.TestAsync(http.GetActor(), cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }
}
