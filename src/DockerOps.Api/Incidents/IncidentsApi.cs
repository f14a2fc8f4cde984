using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Incidents;

/// <summary>Incidents raised by the health watch, and the silences and maintenance windows that quiet them.</summary>
public static class IncidentsApi
{
    public static RouteGroupBuilder MapIncidents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incidents");
        group.MapGet("", List).WithName("ListIncidents").WithSummary("Open incidents and those resolved recently, newest first, each with its timeline.").RequirePermission(Permission.IncidentsRead);
        group.MapGet("/silences", ListSilences).WithName("ListSilences").WithSummary("Silences and maintenance windows that have not ended.").RequirePermission(Permission.IncidentsRead);
        group.MapPost("/silences", Silence).WithName("CreateSilence").WithSummary("Hold alerts back for a container or a label for a while; incidents are still recorded.")
            .WithDescription("A silence mutes messages only, as in Alertmanager: incidents are still recorded (alerted: false), escalations are held back too, and auto-heal still restarts the container. To stop auto-heal as well, use a maintenance window.").RequirePermission(Permission.IncidentsWrite);
        group.MapDelete("/silences/{id}", RemoveSilence).WithName("RemoveSilence").WithSummary("End a silence or maintenance window now.").RequirePermission(Permission.IncidentsWrite);
        group.MapPost("/maintenance", Maintenance).WithName("CreateMaintenanceWindow").WithSummary("Planned work on every container with a label: no incidents, no alerts, no auto-heal.")
            .WithDescription("Unlike a silence, which only mutes messages, a maintenance window also stops auto-heal: containers it covers are neither restarted nor alerted while it lasts.").RequirePermission(Permission.IncidentsWrite);
        group.MapGet("/{id}", Get).WithName("GetIncident").WithSummary("One incident with its timeline.").RequirePermission(Permission.IncidentsRead);
        group.MapPost("/{id}/acknowledge", Acknowledge).WithName("AcknowledgeIncident").WithSummary("Say that someone is on it.").RequirePermission(Permission.IncidentsWrite);
        group.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<Incident>>, ProblemHttpResult>> List(
        HttpContext http,
        IncidentService incidents,
        [Description("How far back resolved incidents are listed, as a duration (default 24h).")] string? recent,
        [Description("At most this many incidents (default 100).")] int? limit,
        CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromHours(24);
        if (recent is not null && (!DockerDuration.TryParse(recent, out window) || window < TimeSpan.Zero))
            return Error.Invalid("recent", $"'{recent}' is not a duration such as 30m or 24h.").ToProblem();
        return Respond(await incidents.ListAsync(http.GetActor(), window, limit ?? 100, cancellationToken));
    }

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> Get(
        HttpContext http, IncidentService incidents, [Description("The incident's id.")] string id, CancellationToken cancellationToken) =>
        Respond(await incidents.GetAsync(http.GetActor(), id, cancellationToken));

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> Acknowledge(
        HttpContext http, IncidentService incidents, [Description("The incident's id.")] string id, CancellationToken cancellationToken) =>
        Respond(await incidents.AcknowledgeAsync(http.GetActor(), id, cancellationToken));

    public static async Task<Results<Ok<IReadOnlyList<Silence>>, ProblemHttpResult>> ListSilences(
        HttpContext http, IncidentService incidents, CancellationToken cancellationToken) =>
        Respond(await incidents.ListSilencesAsync(http.GetActor(), cancellationToken));

    public static async Task<Results<Ok<Silence>, ProblemHttpResult>> Silence(
        HttpContext http, IncidentService incidents, SilenceBody body, CancellationToken cancellationToken) =>
        Respond(await incidents.SilenceAsync(http.GetActor(),
            new SilenceRequest(SilenceKind.Silence, body.Container, body.Label, body.Duration, body.Starts, body.Reason), cancellationToken));

    public static async Task<Results<Ok<Silence>, ProblemHttpResult>> Maintenance(
        HttpContext http, IncidentService incidents, MaintenanceBody body, CancellationToken cancellationToken) =>
        Respond(await incidents.SilenceAsync(http.GetActor(),
            new SilenceRequest(SilenceKind.Maintenance, null, body.Label, body.Duration, body.Starts, body.Reason), cancellationToken));

    public static async Task<Results<Ok<bool>, ProblemHttpResult>> RemoveSilence(
        HttpContext http, IncidentService incidents, [Description("The silence's id.")] string id, CancellationToken cancellationToken) =>
        Respond(await incidents.RemoveSilenceAsync(http.GetActor(), id, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Respond<T>(Result<T> result) =>
        result.IsOk ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}

public sealed record SilenceBody(
    [property: Description("A container name or ID; give this or label.")] string? Container,
    [property: Description("A label selector, 'key' or 'key=value'; give this or container.")] string? Label,
    [property: Description("How long, such as 30m or 2h (at most 30 days).")] string? Duration,
    [property: Description("When it starts (RFC 3339); default now.")] DateTimeOffset? Starts,
    [property: Description("Why, for the record.")] string? Reason);

public sealed record MaintenanceBody(
    [property: Description("A label selector, 'key' or 'key=value'.")] string? Label,
    [property: Description("How long, such as 30m or 2h (at most 30 days).")] string? Duration,
    [property: Description("When it starts (RFC 3339); default now.")] DateTimeOffset? Starts,
    [property: Description("Why, for the record.")] string? Reason);
