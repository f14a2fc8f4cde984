using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DockerOps.Api.Containers;

/// <summary>Container lifecycle, logs, stats and health under <c>/api/v1/containers</c>.</summary>
public static class ContainersApi
{
    private const string RefDescription =
        "A container name (with or without the leading '/'), a compose service ('api' or 'project/api', URL-encoded), a full ID or a unique ID prefix.";

    public static RouteGroupBuilder MapContainers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/containers").WithTags("Containers");

        group.MapGet("", List).WithName("ListContainers").WithSummary("List containers, filtered by state, health, name or label.")
            .RequirePermission(Permission.ContainersRead);
        group.MapGet("/{ref}", Get).WithName("GetContainer").WithSummary("Details of one container: config, state, mounts, networks, health, limits, security.")
            .RequirePermission(Permission.ContainersRead);
        group.MapPost("", Create).WithName("CreateContainer").WithSummary("Create a container, and optionally start it (docker create / docker run).")
            .RequirePermission(Permission.ContainersCreate)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/{ref}/start", Start).WithName("StartContainer").WithSummary("Start a container; starting a running one changes nothing.")
            .RequirePermission(Permission.ContainersOperate);
        group.MapPost("/{ref}/stop", Stop).WithName("StopContainer").WithSummary("Stop a container: SIGTERM, then SIGKILL after the timeout.")
            .RequirePermission(Permission.ContainersOperate);
        group.MapPost("/{ref}/restart", Restart).WithName("RestartContainer").WithSummary("Restart a container.")
            .RequirePermission(Permission.ContainersOperate);
        group.MapPost("/{ref}/pause", Pause).WithName("PauseContainer").WithSummary("Freeze a running container's processes.")
            .RequirePermission(Permission.ContainersOperate);
        group.MapPost("/{ref}/unpause", Unpause).WithName("UnpauseContainer").WithSummary("Resume a paused container.")
            .RequirePermission(Permission.ContainersOperate);
        group.MapPost("/{ref}/kill", Kill).WithName("KillContainer").WithSummary("Send a signal to a container's main process (SIGKILL by default).")
            .RequirePermission(Permission.ContainersOperate);
        group.MapDelete("/{ref}", Remove).WithName("RemoveContainer").WithSummary("Remove a container.")
            .RequirePermission(Permission.ContainersRemove);
        group.MapGet("/{ref}/logs", Logs).WithName("GetContainerLogs").WithSummary("A container's log output as plain text, optionally followed.")
            .RequirePermission(Permission.ContainersRead)
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        group.MapGet("/{ref}/stats", Stats).WithName("GetContainerStats").WithSummary("One resource-usage sample: CPU, memory, network, block I/O, pids.")
            .RequirePermission(Permission.ContainersRead);
        group.MapGet("/{ref}/health", Health).WithName("GetContainerHealth").WithSummary("Health status, failing streak and the recent probe log.")
            .RequirePermission(Permission.ContainersRead);

        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ContainerSummary>>, ProblemHttpResult>> List(
        HttpContext http,
        ContainerService containers,
        [Description("Include stopped containers (default: running only).")] bool? all,
        [Description("Label filter, 'key' or 'key=value'; repeat for several (all must match).")][FromQuery(Name = "label")] string[]? label,
        [Description("Containers whose name contains this text.")] string? name,
        [Description("One of created, running, paused, restarting, removing, exited, dead.")] string? state,
        [Description("One of none, starting, healthy, unhealthy.")] string? health,
        CancellationToken cancellationToken)
    {
        var stateFilter = ParseEnum<ContainerState>("state", state);
        if (!stateFilter.IsOk)
            return stateFilter.Error!.ToProblem();
        var healthFilter = ParseEnum<HealthStatus>("health", health);
        if (!healthFilter.IsOk)
            return healthFilter.Error!.ToProblem();

        var query = new ContainerQuery(all ?? false, label, name, stateFilter.Value, healthFilter.Value);
        return Respond(await containers.ListAsync(http.GetActor(), query, engine: null, cancellationToken));
    }

    public static async Task<Results<Ok<ContainerDetails>, ProblemHttpResult>> Get(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        Respond(await containers.GetAsync(http.GetActor(), Unescape(@ref), engine: null, cancellationToken));

    public static async Task<Results<Created<ContainerDetails>, ProblemHttpResult>> Create(
        HttpContext http, ContainerService containers, CreateContainerRequest request, CancellationToken cancellationToken)
    {
        var created = await containers.CreateAsync(http.GetActor(), request, engine: null, cancellationToken);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/containers/{created.Value.Id}", created.Value)
            : created.Error!.ToProblem();
    }

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Start(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        Respond(await containers.StartAsync(http.GetActor(), Unescape(@ref), engine: null, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Stop(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref,
        [Description("Seconds to wait after SIGTERM before SIGKILL (default: the container's own, usually 10).")] int? timeout,
        [Description("Admins only: act on a protected container anyway (label dockerops.protected=true, or DockerOps's own).")] bool? force,
        CancellationToken cancellationToken) =>
        Respond(await containers.StopAsync(http.GetActor(), Unescape(@ref), timeout, engine: null, force ?? false, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Restart(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref,
        [Description("Seconds to wait after SIGTERM before SIGKILL (default: the container's own, usually 10).")] int? timeout,
        CancellationToken cancellationToken) =>
        Respond(await containers.RestartAsync(http.GetActor(), Unescape(@ref), timeout, engine: null, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Pause(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref,
        [Description("Admins only: act on a protected container anyway (label dockerops.protected=true, or DockerOps's own).")] bool? force,
        CancellationToken cancellationToken) =>
        Respond(await containers.PauseAsync(http.GetActor(), Unescape(@ref), engine: null, force ?? false, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Unpause(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        Respond(await containers.UnpauseAsync(http.GetActor(), Unescape(@ref), engine: null, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Kill(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref,
        [Description("Signal name or number, such as SIGTERM, HUP or 9 (default SIGKILL).")] string? signal,
        [Description("Admins only: act on a protected container anyway (label dockerops.protected=true, or DockerOps's own).")] bool? force,
        CancellationToken cancellationToken) =>
        Respond(await containers.KillAsync(http.GetActor(), Unescape(@ref), signal, engine: null, force ?? false, cancellationToken));

    public static async Task<Results<Ok<ContainerActionResult>, ProblemHttpResult>> Remove(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref,
        [Description("Remove even if running (the container is killed first); for an admin, also a protected container.")] bool? force,
        [Description("Also remove the container's anonymous volumes.")] bool? volumes,
        CancellationToken cancellationToken) =>
        Respond(await containers.RemoveAsync(http.GetActor(), Unescape(@ref), force ?? false, volumes ?? false, engine: null, cancellationToken));

    public static async Task<Results<LogsResult, ProblemHttpResult>> Logs(
        HttpContext http, ContainerService containers, TimeProvider clock, [Description(RefDescription)] string @ref,
        [Description($"Number of lines from the end (default 100, at most 10000).")] int? tail,
        [Description("Only output since this time: RFC 3339, Unix seconds, or a duration back from now such as 10m.")] string? since,
        [Description("Only output before this time, in the same forms as since.")] string? until,
        [Description("Prefix each line with its timestamp.")] bool? timestamps,
        [Description("Include standard output (default true).")] bool? stdout,
        [Description("Include standard error (default true).")] bool? stderr,
        [Description("Keep streaming until the client goes away or the container stops.")] bool? follow,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? sinceTime = null, untilTime = null;
        if (since is not null)
        {
            if (!PointInTime.TryParse(since, now, out var parsed))
                return Error.Invalid("since", "since must be an RFC 3339 time, Unix seconds, or a duration such as 10m.").ToProblem();
            sinceTime = parsed;
        }

        if (until is not null)
        {
            if (!PointInTime.TryParse(until, now, out var parsed))
                return Error.Invalid("until", "until must be an RFC 3339 time, Unix seconds, or a duration such as 10m.").ToProblem();
            untilTime = parsed;
        }

        var query = new LogQuery(tail ?? ContainerService.DefaultLogTail, sinceTime, untilTime, timestamps ?? false, stdout ?? true, stderr ?? true, follow ?? false);
        var logs = await containers.OpenLogsAsync(http.GetActor(), Unescape(@ref), query, engine: null, cancellationToken);
        return logs.IsOk ? new LogsResult(logs.Value) : logs.Error!.ToProblem();
    }

    public static async Task<Results<Ok<ContainerStats>, ProblemHttpResult>> Stats(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        Respond(await containers.GetStatsAsync(http.GetActor(), Unescape(@ref), engine: null, cancellationToken));

    public static async Task<Results<Ok<ContainerHealth>, ProblemHttpResult>> Health(
        HttpContext http, ContainerService containers, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        Respond(await containers.GetHealthAsync(http.GetActor(), Unescape(@ref), engine: null, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Respond<T>(Result<T> result) =>
        result.IsOk ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();

    // Routing keeps %2F encoded so that 'project/api' can travel in one path segment.
    private static string Unescape(string reference) => Uri.UnescapeDataString(reference);

    private static Result<T?> ParseEnum<T>(string field, string? text) where T : struct, Enum
    {
        if (text is null)
            return (T?)null;
        if (!int.TryParse(text, out _) && Enum.TryParse<T>(text, ignoreCase: true, out var value))
            return (T?)value;
        var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        return Error.Invalid(field, $"'{text}' is not one of: {allowed}.");
    }
}

/// <summary>Writes demultiplexed log output as plain text, flushing as it goes so that a followed log streams.</summary>
public sealed class LogsResult(ContainerLogs logs) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "text/plain; charset=utf-8";
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.Headers["X-Container-Id"] = logs.Container.Id;
        var body = httpContext.Response.Body;
        try
        {
            await foreach (var chunk in logs.Chunks.WithCancellation(httpContext.RequestAborted))
            {
                await body.WriteAsync(chunk.Data, httpContext.RequestAborted);
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: that is how a followed log ends.
        }
    }
}
