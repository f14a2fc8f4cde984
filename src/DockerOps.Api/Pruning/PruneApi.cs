using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Pruning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DockerOps.Api.Pruning;

/// <summary>
/// Every prune, one per kind plus the system prune, with the same preview (<c>dryRun=true</c>) and filters.
/// They live together because they share their parameters and their rules (keep label, one at a time).
/// </summary>
public static class PruneApi
{
    public static IEndpointRouteBuilder MapPrunes(this IEndpointRouteBuilder endpoints)
    {
        // An empty-prefix group: the prunes sit under each resource's path but share one set of problems.
        var routes = endpoints.MapGroup("").ProducesEngineProblems();
        routes.MapPost("/containers/prune", Containers).WithName("PruneContainers").RequirePermission(Permission.Prune).WithTags("Containers")
            .WithSummary("Remove stopped containers, or with dryRun=true list what would go.");
        routes.MapPost("/volumes/prune", Volumes).WithName("PruneVolumes").RequirePermission(Permission.Prune).WithTags("Volumes")
            .WithSummary("Remove unused anonymous volumes (all=true: named ones too), or with dryRun=true list what would go.");
        routes.MapPost("/networks/prune", Networks).WithName("PruneNetworks").RequirePermission(Permission.Prune).WithTags("Networks")
            .WithSummary("Remove networks no container uses, or with dryRun=true list what would go.");
        routes.MapPost("/images/prune", Images).WithName("PruneImages").RequirePermission(Permission.Prune).WithTags("Images")
            .WithSummary("Remove dangling images (all=true: every unused image), or with dryRun=true list what would go.");
        routes.MapPost("/system/prune", System).WithName("PruneSystem").RequirePermission(Permission.Prune).WithTags("System")
            .WithSummary("Prune containers, networks, images and build cache (volumes=true adds volumes), or with dryRun=true list what would go.");
        return endpoints;
    }

    public static Task<Results<Ok<PruneReport>, ProblemHttpResult>> Containers(HttpContext http, PruneService prune, [AsParameters] PruneParameters parameters, CancellationToken cancellationToken) =>
        Run(http.GetActor(), parameters, cancellationToken, prune.PruneContainersAsync);

    public static Task<Results<Ok<PruneReport>, ProblemHttpResult>> Volumes(HttpContext http, PruneService prune, [AsParameters] PruneParameters parameters, CancellationToken cancellationToken) =>
        Run(http.GetActor(), parameters, cancellationToken, prune.PruneVolumesAsync);

    public static Task<Results<Ok<PruneReport>, ProblemHttpResult>> Networks(HttpContext http, PruneService prune, [AsParameters] PruneParameters parameters, CancellationToken cancellationToken) =>
        Run(http.GetActor(), parameters, cancellationToken, prune.PruneNetworksAsync);

    public static Task<Results<Ok<PruneReport>, ProblemHttpResult>> Images(HttpContext http, PruneService prune, [AsParameters] PruneParameters parameters, CancellationToken cancellationToken) =>
        Run(http.GetActor(), parameters, cancellationToken, prune.PruneImagesAsync);

    public static Task<Results<Ok<PruneReport>, ProblemHttpResult>> System(HttpContext http, PruneService prune, [AsParameters] PruneParameters parameters, CancellationToken cancellationToken) =>
        Run(http.GetActor(), parameters, cancellationToken, prune.PruneSystemAsync);

    private static async Task<Results<Ok<PruneReport>, ProblemHttpResult>> Run(
        Actor actor, PruneParameters parameters, CancellationToken cancellationToken,
        Func<Actor, PruneRequest, string?, CancellationToken, Task<Result<PruneReport>>> prune)
    {
        var request = new PruneRequest(parameters.DryRun ?? false, parameters.Until, parameters.Label, parameters.ExcludedLabel, parameters.All ?? false, parameters.Volumes ?? false);
        return (await prune(actor, request, null, cancellationToken)).Respond();
    }
}

/// <summary>The filters every prune takes, as the docker CLI spells them.</summary>
public sealed record PruneParameters(
    [property: Description("true: change nothing, list exactly what would be removed with sizes and the bytes reclaimable.")][property: FromQuery(Name = "dryRun")] bool? DryRun,
    [property: Description("Only objects created before this: a duration back from now (24h), an RFC 3339 time or Unix seconds.")][property: FromQuery(Name = "until")] string? Until,
    [property: Description("Only objects with this label, 'key' or 'key=value'; repeat for several (all must match).")][property: FromQuery(Name = "label")] string[]? Label,
    [property: Description("Never objects with this label, 'key' or 'key=value' (written label!=key=value); repeat for several (any excludes).")][property: FromQuery(Name = "label!")] string[]? ExcludedLabel,
    [property: Description("Volumes: named ones too, not only anonymous. Images: every unused image, not only dangling ones.")][property: FromQuery(Name = "all")] bool? All,
    [property: Description("System prune only: include volumes.")][property: FromQuery(Name = "volumes")] bool? Volumes);
