using DockerOps.Core.Access;
using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Volumes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DockerOps.Api.Volumes;

/// <summary>Volumes under <c>/api/v1/volumes</c>. Their prune is in <see cref="Pruning.PruneApi"/>.</summary>
public static class VolumesApi
{
    public static RouteGroupBuilder MapVolumes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/volumes").WithTags("Volumes");
        group.MapGet("", List).WithName("ListVolumes").RequirePermission(Permission.VolumesRead).WithSummary("List volumes with the containers using each, filtered by dangling, label or driver.");
        group.MapPost("", Create).WithName("CreateVolume").RequirePermission(Permission.VolumesWrite).WithSummary("Create a named volume (docker volume create).");
        group.MapGet("/{name}", Get).WithName("GetVolume").RequirePermission(Permission.VolumesRead).WithSummary("One volume: driver, mount point, labels, options and the containers using it.");
        group.MapDelete("/{name}", Remove).WithName("RemoveVolume").RequirePermission(Permission.VolumesWrite).WithSummary("Remove a volume; 409 naming the containers when it is in use, unless force.");
        group.ProducesEngineProblems();
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<VolumeInfo>>, ProblemHttpResult>> List(
        HttpContext http, VolumeService volumes,
        [Description("true: only volumes no container uses; false: only used ones.")] bool? dangling,
        [Description("Label filter, 'key' or 'key=value'; repeat for several (all must match).")][FromQuery(Name = "label")] string[]? label,
        [Description("Only volumes of this driver, such as local.")] string? driver,
        CancellationToken cancellationToken) =>
        (await volumes.ListAsync(http.GetActor(), new VolumeQuery(dangling, label, driver), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<VolumeInfo>, ProblemHttpResult>> Get(
        HttpContext http, VolumeService volumes, [Description("The volume's name.")] string name, CancellationToken cancellationToken) =>
        (await volumes.GetAsync(http.GetActor(), name, engine: null, cancellationToken)).Respond();

    public static async Task<Results<Created<VolumeInfo>, ProblemHttpResult>> Create(
        HttpContext http, VolumeService volumes, CreateVolumeRequest request, CancellationToken cancellationToken)
    {
        var created = await volumes.CreateAsync(http.GetActor(), request, engine: null, cancellationToken);
        return created.IsOk ? TypedResults.Created($"/api/v1/volumes/{created.Value.Name}", created.Value) : created.Error!.ToProblem();
    }

    public static async Task<Results<Ok<VolumeRemoval>, ProblemHttpResult>> Remove(
        HttpContext http, VolumeService volumes, [Description("The volume's name.")] string name,
        [Description("Remove even when in use: the containers using it are removed first.")] bool? force,
        CancellationToken cancellationToken) =>
        (await volumes.RemoveAsync(http.GetActor(), name, force ?? false, engine: null, cancellationToken)).Respond();
}
