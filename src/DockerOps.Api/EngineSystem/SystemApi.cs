using DockerOps.Core.Access;
using System.ComponentModel;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using DockerOps.Api.Setup;
using DockerOps.Core.EngineSystem;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DockerOps.Api.EngineSystem;

/// <summary>Engine-wide endpoints under <c>/api/v1/system</c>; system prune is in <see cref="Pruning.PruneApi"/>.</summary>
public static class SystemApi
{
    public static RouteGroupBuilder MapSystem(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/system").WithTags("System");
        group.MapGet("/info", Info).WithName("GetSystemInfo").RequirePermission(Permission.SystemRead).WithSummary("Engine version, API version, operating system and object counts.");
        group.MapGet("/df", DiskUsage).WithName("GetDiskUsage").RequirePermission(Permission.SystemRead).WithSummary("Disk usage per kind (images, containers, volumes, build cache) with what is reclaimable.");
        group.MapGet("/events", Events).WithName("WatchEvents").RequirePermission(Permission.SystemRead)
            .WithSummary("Engine events as server-sent events, filtered by type and label; containers outside the caller's scope are left out.");
        group.ProducesEngineProblems();
        return group;
    }

    public static async Task<Results<Ok<EngineInfo>, ProblemHttpResult>> Info(HttpContext http, SystemService system, CancellationToken cancellationToken) =>
        (await system.GetInfoAsync(http.GetActor(), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<DiskUsageReport>, ProblemHttpResult>> DiskUsage(HttpContext http, SystemService system, CancellationToken cancellationToken) =>
        (await system.GetDiskUsageAsync(http.GetActor(), engine: null, cancellationToken)).Respond();

    public static async Task<Results<ServerSentEventsResult<EngineEvent>, ProblemHttpResult>> Events(
        HttpContext http, SystemService system,
        [Description("Event type (container, image, volume, network, daemon, ...); repeat for several.")][FromQuery(Name = "type")] string[]? type,
        [Description("Label filter, 'key' or 'key=value'; repeat for several.")][FromQuery(Name = "label")] string[]? label,
        CancellationToken cancellationToken)
    {
        var events = await system.WatchEventsAsync(http.GetActor(), new EventQuery(type, label), engine: null, cancellationToken);
        return events.IsOk ? TypedResults.ServerSentEvents(AsItems(http, events.Value, cancellationToken)) : events.Error!.ToProblem();
    }

    private static async IAsyncEnumerable<SseItem<EngineEvent>> AsItems(HttpContext http, IAsyncEnumerable<EngineEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now: a quiet engine may have no event for minutes, and the client should know it is subscribed.
        await http.Response.Body.FlushAsync(cancellationToken);
        await foreach (var engineEvent in events.WithCancellation(cancellationToken))
            yield return new SseItem<EngineEvent>(engineEvent, engineEvent.Type);
    }
}
