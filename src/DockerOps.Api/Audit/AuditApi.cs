using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace DockerOps.Api.Audit;

/// <summary>The audit trail under <c>/api/v1/audit</c>: search, CSV export and chain verification (unrestricted admins).</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequirePermission(Permission.AuditRead);
        group.MapGet("", Search).WithName("SearchAudit").WithSummary("Audit records, newest first, filtered and paged; format=csv exports every match.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The same 200 also comes as CSV with format=csv; metadata alone keeps only one content type per status.
                if (operation.Responses?["200"] is OpenApiResponse ok)
                {
                    ok.Content ??= new Dictionary<string, OpenApiMediaType>();
                    ok.Content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }

                return Task.CompletedTask;
            });
        group.MapGet("/verify", Verify).WithName("VerifyAudit").WithSummary("Walks the hash chain and names the first record that does not fit.");
        group.ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    public static async Task<Results<Ok<AuditPageResponse>, CsvResult, ProblemHttpResult>> Search(
        HttpContext http, AuditService audit, TimeProvider clock,
        [Description("Only records at or after this time: RFC 3339, Unix seconds, or a duration back from now such as 1h.")] string? since,
        [Description("Only records at or before this time, in the same forms as since.")] string? until,
        [Description("A key id or key name.")] string? actor,
        [Description("An action such as container.stop, or a family such as container.*.")] string? action,
        [Description("A target container name or id prefix.")] string? target,
        [Description("ok, denied or failed.")] string? outcome,
        [Description("Records to skip (default 0).")] int? offset,
        [Description("Records to return (default 100, at most 1000).")] int? limit,
        [Description("json (default) or csv.")] string? format,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? sinceTime = null, untilTime = null;
        if (since is not null)
        {
            if (!PointInTime.TryParse(since, now, out var parsed))
                return Error.Invalid("since", "since must be an RFC 3339 time, Unix seconds, or a duration such as 1h.").ToProblem();
            sinceTime = parsed;
        }

        if (until is not null)
        {
            if (!PointInTime.TryParse(until, now, out var parsed))
                return Error.Invalid("until", "until must be an RFC 3339 time, Unix seconds, or a duration such as 1h.").ToProblem();
            untilTime = parsed;
        }

        AuditOutcome? outcomeFilter = null;
        if (outcome is not null)
        {
            if (int.TryParse(outcome, out _) || !Enum.TryParse<AuditOutcome>(outcome, ignoreCase: true, out var parsed))
                return Error.Invalid("outcome", "outcome must be ok, denied or failed.").ToProblem();
            outcomeFilter = parsed;
        }

        var query = new AuditQuery(sinceTime, untilTime, actor, action, target, outcomeFilter, offset ?? 0, limit ?? AuditQuery.DefaultLimit);
        switch (format?.ToLowerInvariant())
        {
            case null or "json":
                var page = await audit.QueryAsync(http.GetActor(), query, cancellationToken);
                return page.IsOk
                    ? TypedResults.Ok(new AuditPageResponse(page.Value.Records.Select(AuditEntry.From).ToList(), page.Value.Total, page.Value.Offset, page.Value.Limit))
                    : page.Error!.ToProblem();
            case "csv":
                var export = await audit.ExportAsync(http.GetActor(), query, cancellationToken);
                return export.IsOk ? new CsvResult(export.Value) : export.Error!.ToProblem();
            default:
                return Error.Invalid("format", "format must be json or csv.").ToProblem();
        }
    }

    public static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> Verify(HttpContext http, AuditService audit, CancellationToken cancellationToken)
    {
        var verified = await audit.VerifyAsync(http.GetActor(), cancellationToken);
        return verified.IsOk ? TypedResults.Ok(verified.Value) : verified.Error!.ToProblem();
    }
}

public sealed record AuditEntry(
    long Sequence, DateTimeOffset Time, string ActorId, string ActorName, Channel Channel, string Action, string? Engine,
    string? TargetId, string? TargetName, IReadOnlyDictionary<string, string> Parameters, AuditOutcome Outcome, string? Reason,
    long DurationMs, string PreviousHash, string Hash)
{
    public static AuditEntry From(ChainedAuditRecord chained)
    {
        var r = chained.Record;
        var parameters = r.Parameters.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
        return new(chained.Sequence, r.Time, r.ActorId, r.ActorName, r.Channel, r.Action, r.Engine, r.TargetId, r.TargetName, parameters,
            r.Outcome, r.Reason, (long)r.Duration.TotalMilliseconds, chained.PreviousHash, chained.Hash);
    }
}

public sealed record AuditPageResponse(IReadOnlyList<AuditEntry> Records, long Total, int Offset, int Limit);

/// <summary>Streams matching records as CSV (RFC 4180), oldest first.</summary>
public sealed class CsvResult(IAsyncEnumerable<ChainedAuditRecord> records) : IResult
{
    private static readonly string[] Header =
        ["sequence", "time", "actor_id", "actor_name", "channel", "action", "engine", "target_id", "target_name", "parameters", "outcome", "reason", "duration_ms", "previous_hash", "hash"];

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "text/csv; charset=utf-8";
        httpContext.Response.Headers.ContentDisposition = "attachment; filename=\"dockerops-audit.csv\"";
        await using var writer = new StreamWriter(httpContext.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync(string.Join(',', Header));
        await foreach (var chained in records.WithCancellation(httpContext.RequestAborted))
        {
            var r = chained.Record;
            string?[] fields =
            [
                chained.Sequence.ToString(CultureInfo.InvariantCulture), r.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.ActorId, r.ActorName,
                r.Channel.ToString().ToLowerInvariant(), r.Action, r.Engine, r.TargetId, r.TargetName, JsonSerializer.Serialize(r.Parameters),
                r.Outcome.ToString().ToLowerInvariant(), r.Reason, ((long)r.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                chained.PreviousHash, chained.Hash,
            ];
            await writer.WriteLineAsync(string.Join(',', fields.Select(Escape)));
        }
    }

    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        // A leading =, +, - or @ would run as a formula when the export is opened in a spreadsheet.
        if (value[0] is '=' or '+' or '-' or '@')
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
