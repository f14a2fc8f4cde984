namespace DockerOps.Core.Engines;

/// <summary>
/// Engine failures as the application layer sees them. The adapter translates its client's
/// exceptions into these; messages carry the engine's own <c>message</c>, never a raw response body.
/// </summary>
public abstract class EngineException(string engine, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Engine { get; } = engine;
}

/// <summary>The engine could not be reached at all (socket missing, connection refused).</summary>
public sealed class EngineUnavailableException(string engine, string message, Exception? inner = null)
    : EngineException(engine, message, inner);

/// <summary>The engine did not answer within the call's timeout.</summary>
public sealed class EngineTimeoutException(string engine, string operation, TimeSpan timeout, Exception? inner = null)
    : EngineException(engine, $"The engine '{engine}' did not answer '{operation}' within {timeout.TotalSeconds:0.#} s.", inner)
{
    public string Operation { get; } = operation;
}

/// <summary>The engine answered with a server error or something unexpected.</summary>
public sealed class EngineFailureException(string engine, string message, int? statusCode = null, Exception? inner = null)
    : EngineException(engine, message, inner)
{
    public int? StatusCode { get; } = statusCode;
}

/// <summary>The engine says the object does not exist (404). Use cases turn this into a NotFound result.</summary>
public sealed class EngineNotFoundException(string engine, string message, Exception? inner = null)
    : EngineException(engine, message, inner);

/// <summary>The engine refused because of the object's state (409, 304-like refusals). Use cases turn this into a Conflict.</summary>
public sealed class EngineConflictException(string engine, string message, Exception? inner = null)
    : EngineException(engine, message, inner);

/// <summary>The engine rejected the request's parameters (400). Use cases turn this into an Invalid result.</summary>
public sealed class EngineBadRequestException(string engine, string message, Exception? inner = null)
    : EngineException(engine, message, inner);

/// <summary>
/// A registry refused the engine's pull for want of (valid) credentials. The message is the registry's
/// answer as the engine relayed it; use cases say which registry and what to configure.
/// </summary>
public sealed class EngineRegistryAuthenticationException(string engine, string registry, string message, Exception? inner = null)
    : EngineException(engine, message, inner)
{
    public string Registry { get; } = registry;
}
