using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Engines;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DockerOps.Api.Setup;

/// <summary>
/// The one mapping from failures to RFC 9457 problem+json: expected outcomes (<see cref="Error"/>
/// values) and unexpected exceptions alike. Nothing else in the host writes an error body.
/// </summary>
public static partial class ErrorHandling
{
    public static IServiceCollection AddApiErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures become exceptions so that they get the same problem body as everything else.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static int StatusCode(this Error error) => error.Kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult ToProblem(this Error error) => TypedResults.Problem(error.ToProblemDetails());

    public static ProblemDetails ToProblemDetails(this Error error)
    {
        var problem = new ProblemDetails
        {
            Status = error.StatusCode(),
            Title = error.Title,
            Detail = error.Detail,
            Type = $"https://httpwg.org/specs/rfc9110.html#status.{error.StatusCode()}",
        };
        if (error.Field is not null)
        {
            problem.Extensions["field"] = error.Field;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Detail] };
        }

        if (error.Candidates is not null)
            problem.Extensions["candidates"] = error.Candidates;
        return problem;
    }

    /// <summary>Binding failures as an <see cref="Error"/> naming the field or parameter.</summary>
    internal static Error DescribeBadRequest(BadHttpRequestException ex)
    {
        if (ex.InnerException is JsonException json)
        {
            var unmapped = UnmappedProperty().Match(json.Message);
            if (unmapped.Success)
            {
                // The reader's path already ends at the unknown property when it reports it.
                var property = unmapped.Groups[1].Value;
                var prefix = FieldOf(json.Path);
                var field = prefix is null ? property
                    : prefix == property || prefix.EndsWith("." + property, StringComparison.Ordinal) ? prefix
                    : $"{prefix}.{property}";
                return Error.Invalid(field, $"Unknown field '{field}'.");
            }

            var path = FieldOf(json.Path);
            return path is null
                ? Error.Invalid("body", "The body is not valid JSON.")
                : Error.Invalid(path, $"The value of '{path}' has the wrong type or format.");
        }

        if (ex.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || ex.Message.Contains("no body was provided", StringComparison.Ordinal))
            return Error.Invalid("body", "A JSON body is required.");

        var parameter = BoundParameter().Match(ex.Message);
        if (parameter.Success)
        {
            var name = parameter.Groups[1].Value;
            return Error.Invalid(name, $"The value of '{name}' has the wrong type or format.");
        }

        return Error.Invalid("request", "The request could not be read.");
    }

    private static string? FieldOf(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return null;
        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("parameter \"(?:[^\"]* )?([A-Za-z0-9_@]+)\"")]
    private static partial Regex BoundParameter();
}

/// <summary>Unexpected exceptions: engine trouble has its own statuses; anything else is a bare 500 with no internals.</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status400BadRequest => ErrorHandling.DescribeBadRequest(bad).ToProblemDetails(),
            BadHttpRequestException bad => Problem(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", bad.Message),
            AuditUnavailableException => Problem(StatusCodes.Status503ServiceUnavailable, "Audit store unavailable", "The action was not performed because it could not be recorded."),
            EngineUnavailableException e => Problem(StatusCodes.Status503ServiceUnavailable, "Engine unavailable", e.Message),
            EngineTimeoutException e => Problem(StatusCodes.Status504GatewayTimeout, "Engine timeout", e.Message),
            EngineFailureException e => Problem(StatusCodes.Status502BadGateway, "Engine failure", e.Message),
            EngineException e => Problem(StatusCodes.Status502BadGateway, "Engine failure", e.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            _ => Problem(StatusCodes.Status500InternalServerError, "Unexpected error", "The request failed unexpectedly; the trace id identifies it in the logs."),
        };

        if (problem is null)
            return true;
        if (problem.Status >= 500)
            LogFailure(logger, context.Request.Method, context.Request.Path, problem.Status.Value, exception);

        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private static partial void LogFailure(ILogger logger, string method, string path, int status, Exception exception);
}
