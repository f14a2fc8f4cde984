namespace DockerOps.Core.Common;

/// <summary>The expected ways an operation can fail. Each maps to one HTTP status and one chat reply.</summary>
public enum ErrorKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>
/// An expected failure, as a value. <paramref name="Field"/> names the offending input (for 400s);
/// <paramref name="Candidates"/> lists what an ambiguous reference matched (for 409s).
/// </summary>
public sealed record Error(
    ErrorKind Kind,
    string Title,
    string Detail,
    string? Field = null,
    IReadOnlyList<string>? Candidates = null)
{
    public static Error Invalid(string field, string detail) =>
        new(ErrorKind.Invalid, "Invalid input", detail, field);

    public static Error NotFound(string detail) => new(ErrorKind.NotFound, "Not found", detail);

    public static Error Conflict(string detail, IReadOnlyList<string>? candidates = null) =>
        new(ErrorKind.Conflict, "Conflict", detail, Candidates: candidates);

    public static Error Forbidden(string detail) => new(ErrorKind.Forbidden, "Forbidden", detail);
}

/// <summary>Either a value or an <see cref="Error"/>; use cases return this instead of throwing for expected outcomes.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsOk => Error is null;

    public T Value => IsOk ? _value! : throw new InvalidOperationException($"Result holds an error: {Error!.Detail}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? map(_value!) : Error!;

    public async Task<Result<TOut>> BindAsync<TOut>(Func<T, Task<Result<TOut>>> next) =>
        IsOk ? await next(_value!) : Error!;
}
