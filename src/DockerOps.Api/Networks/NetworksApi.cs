using DockerOps.Core.Access;
using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Networks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DockerOps.Api.Networks;

/// <summary>Networks under <c>/api/v1/networks</c>. Their prune is in <see cref="Pruning.PruneApi"/>.</summary>
public static class NetworksApi
{
    private const string RefDescription = "A network name or ID.";

    public static RouteGroupBuilder MapNetworks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/networks").WithTags("Networks");
        group.MapGet("", List).WithName("ListNetworks").RequirePermission(Permission.NetworksRead).WithSummary("List networks with their attached containers, filtered by driver, label or scope.");
        group.MapPost("", Create).WithName("CreateNetwork").RequirePermission(Permission.NetworksWrite).WithSummary("Create a network: bridge, overlay, macvlan or ipvlan, with subnet, gateway, IP range and options.");
        group.MapGet("/{ref}", Get).WithName("GetNetwork").RequirePermission(Permission.NetworksRead).WithSummary("One network with its attached containers and their addresses.");
        group.MapPost("/{ref}/connect", Connect).WithName("ConnectNetwork").RequirePermission(Permission.NetworksWrite).WithSummary("Connect a container to the network, with aliases.");
        group.MapPost("/{ref}/disconnect", Disconnect).WithName("DisconnectNetwork").RequirePermission(Permission.NetworksWrite).WithSummary("Disconnect a container from the network.");
        group.MapDelete("/{ref}", Remove).WithName("RemoveNetwork").RequirePermission(Permission.NetworksWrite).WithSummary("Remove a network; 409 when containers are attached or it is predefined.");
        group.ProducesEngineProblems();
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<NetworkInfo>>, ProblemHttpResult>> List(
        HttpContext http, NetworkService networks,
        [Description("Only networks of this driver (bridge, overlay, macvlan, ipvlan, host, null); repeat for several.")][FromQuery(Name = "driver")] string[]? driver,
        [Description("Label filter, 'key' or 'key=value'; repeat for several (all must match).")][FromQuery(Name = "label")] string[]? label,
        [Description("local, swarm or global.")] string? scope,
        CancellationToken cancellationToken) =>
        (await networks.ListAsync(http.GetActor(), new NetworkQuery(driver, label, scope), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<NetworkInfo>, ProblemHttpResult>> Get(
        HttpContext http, NetworkService networks, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        (await networks.GetAsync(http.GetActor(), @ref, engine: null, cancellationToken)).Respond();

    public static async Task<Results<Created<NetworkInfo>, ProblemHttpResult>> Create(
        HttpContext http, NetworkService networks, CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        var created = await networks.CreateAsync(http.GetActor(), request, engine: null, cancellationToken);
        return created.IsOk ? TypedResults.Created($"/api/v1/networks/{created.Value.Id}", created.Value) : created.Error!.ToProblem();
    }

    public static async Task<Results<Ok<NetworkConnection>, ProblemHttpResult>> Connect(
        HttpContext http, NetworkService networks, [Description(RefDescription)] string @ref, ConnectNetworkRequest request, CancellationToken cancellationToken) =>
        (await networks.ConnectAsync(http.GetActor(), @ref, request, engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<NetworkConnection>, ProblemHttpResult>> Disconnect(
        HttpContext http, NetworkService networks, [Description(RefDescription)] string @ref, DisconnectNetworkRequest request, CancellationToken cancellationToken) =>
        (await networks.DisconnectAsync(http.GetActor(), @ref, request, engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<NetworkRemoval>, ProblemHttpResult>> Remove(
        HttpContext http, NetworkService networks, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        (await networks.RemoveAsync(http.GetActor(), @ref, engine: null, cancellationToken)).Respond();
}
