namespace DockerOps.Core.Common;

/// <summary>Wraps a value as a successful <see cref="Result{T}"/> where the implicit conversion cannot be inferred (inside lambdas).</summary>
public static class Outcome
{
    public static Result<T> Ok<T>(T value) => value;
}
