using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using DockerOps.Core.Common;
using DockerOps.Core.Engines;

namespace DockerOps.Docker;

/// <summary>
/// Runs one engine call under its own timeout and turns Docker.DotNet's failures into the
/// application layer's <see cref="EngineException"/>s. The engine's raw response body never
/// leaves this class: only its <c>message</c> field does.
/// </summary>
internal sealed class EngineCalls(string engine)
{
    public async Task<T> RunAsync<T>(string operation, TimeSpan timeout, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> call)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call(deadline.Token).ConfigureAwait(false);
            DockerOpsMetrics.EngineCall(engine, operation, Stopwatch.GetElapsedTime(started), "ok");
            return result;
        }
        catch (Exception ex) when (Translate(ex, operation, timeout, deadline.IsCancellationRequested, cancellationToken) is { } translated)
        {
            DockerOpsMetrics.EngineCall(engine, operation, Stopwatch.GetElapsedTime(started), OutcomeOf(translated));
            throw translated;
        }
    }

    public Task RunAsync(string operation, TimeSpan timeout, CancellationToken cancellationToken, Func<CancellationToken, Task> call) =>
        RunAsync<bool>(operation, timeout, cancellationToken, async token =>
        {
            await call(token).ConfigureAwait(false);
            return true;
        });

    private static string OutcomeOf(Exception translated) => translated switch
    {
        EngineUnavailableException => "unavailable",
        EngineTimeoutException => "timeout",
        EngineNotFoundException => "not_found",
        EngineConflictException => "conflict",
        EngineBadRequestException => "bad_request",
        _ => "failure",
    };

    /// <summary>Maps a failure; null lets it propagate unchanged (the caller's own cancellation).</summary>
    public Exception? Translate(Exception ex, string operation, TimeSpan timeout, bool deadlinePassed, CancellationToken callerToken)
    {
        switch (ex)
        {
            case EngineException:
                return null;
            case OperationCanceledException when callerToken.IsCancellationRequested:
                return null;
            case OperationCanceledException or TimeoutException when deadlinePassed || ex is TimeoutException:
                return new EngineTimeoutException(engine, operation, timeout, ex);
            case DockerApiException api:
                var message = MessageOf(api);
                return (int)api.StatusCode switch
                {
                    404 => new EngineNotFoundException(engine, message, ex),
                    409 or 304 => new EngineConflictException(engine, message, ex),
                    400 => new EngineBadRequestException(engine, message, ex),
                    // The engine answers 500 for some refusals that are about the request, not the engine.
                    500 when IsPortInUse(message) => new EngineConflictException(engine, message, ex),
                    500 when message.StartsWith("unable to find user", StringComparison.Ordinal) => new EngineBadRequestException(engine, message, ex),
                    _ => new EngineFailureException(engine, $"The engine '{engine}' failed '{operation}' ({(int)api.StatusCode}): {message}", (int)api.StatusCode, ex),
                };
            case HttpRequestException or SocketException or IOException when IsConnectFailure(ex):
                return new EngineUnavailableException(engine, $"The engine '{engine}' cannot be reached.", ex);
            case HttpRequestException or IOException or JsonException or Newtonsoft.Json.JsonException:
                return new EngineFailureException(engine, $"The engine '{engine}' failed '{operation}': the connection broke or the answer was not understood.", inner: ex);
            default:
                return null;
        }
    }

    private static bool IsPortInUse(string message) =>
        message.Contains("port is already allocated", StringComparison.Ordinal) ||
        message.Contains("address already in use", StringComparison.Ordinal);

    private static bool IsConnectFailure(Exception ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable
                    or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                    or SocketError.AccessDenied or SocketError.TryAgain or SocketError.NoData;
            }

            if (current is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
                return true;
        }

        return false;
    }

    /// <summary>The engine answers errors as <c>{"message": "..."}</c>; anything else is summarised, not echoed.</summary>
    public static string MessageOf(DockerApiException api)
    {
        try
        {
            using var document = JsonDocument.Parse(api.ResponseBody ?? "");
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("message", out var message) &&
                message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return $"The engine answered {(int)api.StatusCode} without a message.";
    }
}
