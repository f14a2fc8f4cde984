using DockerOps.Core.Access;
using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Posture;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Posture;

/// <summary>The security posture report, host-wide and per container (kept here so ContainersApi stays as it is).</summary>
public static class PostureApi
{
    public static IEndpointRouteBuilder MapPosture(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/posture", Report).WithName("GetPosture").RequirePermission(Permission.SystemRead).WithTags("Posture")
            .WithSummary("Security findings for every running container the caller may see, each with severity and fix, and counts by severity.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        routes.MapGet("/containers/{ref}/posture", ForContainer).WithName("GetContainerPosture").RequirePermission(Permission.ContainersRead).WithTags("Posture", "Containers")
            .WithSummary("Security findings for one container, each with severity and fix.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return routes;
    }

    public static async Task<Results<Ok<PostureReport>, ProblemHttpResult>> Report(HttpContext http, PostureService posture, CancellationToken cancellationToken) =>
        (await posture.ReportAsync(http.GetActor(), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<ContainerPosture>, ProblemHttpResult>> ForContainer(
        HttpContext http, PostureService posture,
        [Description("A container name, compose service, full ID or unique ID prefix.")] string @ref,
        CancellationToken cancellationToken) =>
        (await posture.ForContainerAsync(http.GetActor(), Uri.UnescapeDataString(@ref), engine: null, cancellationToken)).Respond();
}
