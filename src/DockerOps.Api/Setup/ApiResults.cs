using DockerOps.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Setup;

/// <summary>Turns a use case's result into a typed response: the value, or its problem.</summary>
public static class ApiResults
{
    public static Results<Ok<T>, ProblemHttpResult> Respond<T>(this Result<T> result) =>
        result.IsOk ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();

    public static RouteGroupBuilder ProducesEngineProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
}
