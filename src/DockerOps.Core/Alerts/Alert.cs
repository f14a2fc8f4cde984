using DockerOps.Core.Incidents;

namespace DockerOps.Core.Alerts;

public enum AlertKind
{
    Opened,
    Resolved,
    Escalated,
    Test,
    /// <summary>What a scheduled job did (a prune's removals and reclaimed bytes).</summary>
    Report,
}

/// <summary>
/// One message to the alert channels. <see cref="Id"/> is derived from the incident and what
/// happened to it, so the same alert published twice is still delivered once per channel.
/// </summary>
public sealed record Alert(
    string Id,
    AlertKind Kind,
    string? IncidentId,
    string Engine,
    string ContainerId,
    string ContainerName,
    IncidentCause? Cause,
    DateTimeOffset Since,
    DateTimeOffset RaisedAt,
    string Title,
    string Summary,
    string? ProbeOutput,
    long? ExitCode,
    IReadOnlyList<string> LogLines)
{
    public const int LogLineCount = 20;
}

/// <summary>The port that hands alerts to delivery; it must not lose one once it has returned.</summary>
public interface IAlertPublisher
{
    Task PublishAsync(Alert alert, CancellationToken cancellationToken);
}
