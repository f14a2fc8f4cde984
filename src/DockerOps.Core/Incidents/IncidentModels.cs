namespace DockerOps.Core.Incidents;

/// <summary>Why a container is in trouble. One incident is open per container and cause at most.</summary>
public enum IncidentCause
{
    Unhealthy,
    Crashed,
    OomKilled,
    RestartLoop,
}

public static class IncidentCauses
{
    /// <summary>The cause as alerts, webhooks and chat write it.</summary>
    public static string Name(this IncidentCause cause) => cause switch
    {
        IncidentCause.Unhealthy => "unhealthy",
        IncidentCause.Crashed => "crashed",
        IncidentCause.OomKilled => "oom-killed",
        IncidentCause.RestartLoop => "restart-loop",
        _ => cause.ToString().ToLowerInvariant(),
    };
}

public enum IncidentState
{
    Open,
    Resolved,
}

public sealed record IncidentEntry(DateTimeOffset Time, string Text);

/// <summary>
/// A container's trouble from the moment it is noticed until it is over. <see cref="Alerted"/> is false
/// when a silence or maintenance window held the opening alert back; then the resolution is not sent either.
/// </summary>
public sealed record Incident(
    string Id,
    string Engine,
    string ContainerId,
    string ContainerName,
    IncidentCause Cause,
    IncidentState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    string Summary,
    string? ProbeOutput,
    long? ExitCode,
    IReadOnlyDictionary<string, string> Labels,
    bool Alerted,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    IReadOnlyList<IncidentEntry> Timeline)
{
    public bool IsOpen => State == IncidentState.Open;

    public Incident With(DateTimeOffset time, string text) => this with { Timeline = [.. Timeline, new IncidentEntry(time, text)] };
}

public enum SilenceKind
{
    /// <summary>Incidents still open and are listed, but no alert is sent.</summary>
    Silence,

    /// <summary>Planned work: no incident opens and auto-heal leaves the container alone.</summary>
    Maintenance,
}

/// <summary>
/// Holds alerts back for a container (by name or ID) or for every container with a label
/// (<c>key</c> or <c>key=value</c>), from <see cref="Starts"/> until <see cref="Ends"/>.
/// </summary>
public sealed record Silence(
    string Id,
    SilenceKind Kind,
    string? Container,
    string? Label,
    DateTimeOffset Starts,
    DateTimeOffset Ends,
    string? Reason,
    string CreatedBy)
{
    public bool ActiveAt(DateTimeOffset time) => Starts <= time && time < Ends;

    public bool Covers(string containerId, string containerName, IReadOnlyDictionary<string, string> labels)
    {
        if (Container is { Length: > 0 } container)
        {
            var name = container.TrimStart('/');
            if (name == containerName || (name.Length >= 12 && containerId.StartsWith(name, StringComparison.Ordinal)))
                return true;
        }

        if (Label is { Length: > 0 } selector)
        {
            var equals = selector.IndexOf('=');
            return equals < 0
                ? labels.ContainsKey(selector)
                : labels.TryGetValue(selector[..equals], out var value) && value == selector[(equals + 1)..];
        }

        return false;
    }
}

/// <summary>The port to where incidents and silences are kept.</summary>
public interface IIncidentStore
{
    Task SaveAsync(Incident incident, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new open incident unless one is open already for its engine, container and cause (DockerOps
    /// instances sharing a store see the same events), and returns the open one: this, or the one found.
    /// </summary>
    Task<Incident> OpenOnceAsync(Incident incident, CancellationToken cancellationToken);

    Task<Incident?> GetAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken cancellationToken);

    /// <summary>Open incidents, and those resolved at or after <paramref name="resolvedSince"/>, newest first.</summary>
    Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset resolvedSince, int limit, CancellationToken cancellationToken);

    Task SaveSilenceAsync(Silence silence, CancellationToken cancellationToken);

    Task<IReadOnlyList<Silence>> ListSilencesAsync(DateTimeOffset endsAfter, CancellationToken cancellationToken);

    Task<bool> DeleteSilenceAsync(string id, CancellationToken cancellationToken);
}

/// <summary>An incident store held in memory: for Core's tests.</summary>
public sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly Dictionary<string, Incident> _incidents = [];
    private readonly Dictionary<string, Silence> _silences = [];
    private readonly Lock _lock = new();

    public Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        lock (_lock)
            _incidents[incident.Id] = incident;
        return Task.CompletedTask;
    }

    public Task<Incident> OpenOnceAsync(Incident incident, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var open = _incidents.Values.FirstOrDefault(i => i.IsOpen && i.Engine == incident.Engine && i.ContainerId == incident.ContainerId && i.Cause == incident.Cause);
            if (open is not null)
                return Task.FromResult(open);
            _incidents[incident.Id] = incident;
            return Task.FromResult(incident);
        }
    }

    public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_incidents.GetValueOrDefault(id));
    }

    public Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Incident>>(_incidents.Values.Where(i => i.IsOpen).ToList());
    }

    public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset resolvedSince, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Incident>>(_incidents.Values
                .Where(i => i.IsOpen || i.ResolvedAt >= resolvedSince)
                .OrderByDescending(i => i.OpenedAt).Take(limit).ToList());
        }
    }

    public Task SaveSilenceAsync(Silence silence, CancellationToken cancellationToken)
    {
        lock (_lock)
            _silences[silence.Id] = silence;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Silence>> ListSilencesAsync(DateTimeOffset endsAfter, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Silence>>(_silences.Values.Where(s => s.Ends > endsAfter).ToList());
    }

    public Task<bool> DeleteSilenceAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_silences.Remove(id));
    }
}
