using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Incidents;

/// <summary>
/// Turns what the engine reports (events, and container lists when reconciling) into incidents:
/// one per container and cause, one alert when it opens and one when it resolves. The health
/// watcher feeds it; REST lists, acknowledges and silences through it.
/// </summary>
public sealed partial class IncidentService(
    IIncidentStore store,
    IAlertPublisher alerts,
    IEngineRegistry engines,
    ActionGate gate,
    IncidentPolicy policy,
    TimeProvider clock)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<(string Engine, string Id), ContainerTrack> _tracks = [];
    private Dictionary<(string Engine, string Id, IncidentCause Cause), Incident>? _open;

    [GeneratedRegex(@"^Exited \((-?\d+)\)")]
    private static partial Regex ExitedStatus();

    /// <summary>Applies one engine event; returns the container when it is (still) unhealthy.</summary>
    public async Task<UnhealthySighting?> HandleAsync(string engine, ContainerEvent e, CancellationToken cancellationToken)
    {
        if (e.Kind == EngineEventKind.Subscribed)
            return null;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var open = await OpenIncidentsAsync(cancellationToken);
            var track = Track(engine, e.ContainerId);
            track.LastEventAt = e.Time;
            track.Name = e.ContainerName;
            track.Labels = e.Labels;
            var key = (engine, e.ContainerId);
            switch (e.Kind)
            {
                case EngineEventKind.HealthStatus when e.Health == HealthStatus.Unhealthy:
                    var incident = await OpenAsync(engine, e.ContainerId, e.ContainerName, e.Labels, IncidentCause.Unhealthy, e.Time, null, cancellationToken);
                    return incident is null ? null : new UnhealthySighting(engine, e.ContainerId, e.ContainerName, e.Labels, incident.Id);
                case EngineEventKind.HealthStatus when e.Health == HealthStatus.Healthy:
                    await ResolveAsync(open, engine, e.ContainerId, IncidentCause.Unhealthy, e.Time, "healthy again", cancellationToken);
                    break;
                case EngineEventKind.HealthStatus:
                    // "starting" follows every (daemon or container) restart with a failing streak of 0:
                    // it says nothing yet, so it neither resolves nor opens anything.
                    break;
                case EngineEventKind.Kill when !IsReloadSignal(e.Signal):
                    // docker stop, kill, restart and rm -f all send a kill before the process dies;
                    // the stop event itself comes after the die, too late to tell.
                    track.StopIntendedAt = e.Time;
                    break;
                case EngineEventKind.Oom:
                    track.OomAt = e.Time;
                    await OpenAsync(engine, e.ContainerId, e.ContainerName, e.Labels, IncidentCause.OomKilled, e.Time, 137, cancellationToken);
                    break;
                case EngineEventKind.Die:
                    track.Running = false;
                    track.RunningSince = null;
                    var intended = track.StopIntendedAt is { } stop && e.Time - stop <= policy.StopIntentWindow;
                    var oom = track.OomAt is { } oomAt && e.Time - oomAt <= policy.StopIntentWindow;
                    track.LastDieIntended = intended;
                    track.StopIntendedAt = null;
                    track.OomAt = null;
                    if (!intended && !oom && e.ExitCode is { } code && code != 0)
                        await OpenAsync(engine, e.ContainerId, e.ContainerName, e.Labels, IncidentCause.Crashed, e.Time, code, cancellationToken);
                    break;
                case EngineEventKind.Start:
                    track.Running = true;
                    track.RunningSince = e.Time;
                    // A start that follows a die nobody asked for is a restart by the engine's policy.
                    // When the die itself was not seen (the engine skips events for slow readers), a
                    // start of a container already seen starting counts too, unless a stop was asked for.
                    var unasked = track.LastDieIntended == false || (track.LastDieIntended is null && track.StartsSeen > 0 && track.StopIntendedAt is null);
                    track.StartsSeen++;
                    track.StopIntendedAt = null;
                    if (unasked)
                    {
                        // Only restarts nobody asked for count towards a loop.
                        track.Restarts.Enqueue(e.Time);
                        while (track.Restarts.TryPeek(out var first) && e.Time - first > policy.RestartLoopWindow)
                            track.Restarts.Dequeue();
                        if (track.Restarts.Count > policy.RestartLoopCount)
                            await OpenAsync(engine, e.ContainerId, e.ContainerName, e.Labels, IncidentCause.RestartLoop, e.Time, null, cancellationToken);
                    }

                    track.LastDieIntended = null;
                    break;
                case EngineEventKind.Destroy:
                    foreach (var cause in Enum.GetValues<IncidentCause>())
                        await ResolveAsync(open, engine, e.ContainerId, cause, e.Time, "container removed", cancellationToken);
                    _tracks.Remove(key);
                    break;
            }

            return null;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Compares a fresh list of the watched containers with what is known, so that events missed
    /// while disconnected (or skipped by the engine) are still acted on. Returns the unhealthy ones.
    /// </summary>
    /// <param name="listedAt">When the list was asked for: containers with events since then are left to the events, which are fresher.</param>
    public async Task<IReadOnlyList<UnhealthySighting>> ReconcileAsync(string engine, IReadOnlyList<ContainerSummary> containers, DateTimeOffset listedAt, CancellationToken cancellationToken)
    {
        var sightings = new List<UnhealthySighting>();
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var open = await OpenIncidentsAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var present = containers.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var c in containers)
            {
                var known = _tracks.TryGetValue((engine, c.Id), out var existing);
                if (known && existing!.LastEventAt >= listedAt)
                    continue;
                var track = Track(engine, c.Id);
                var wasRunning = track.Running;
                track.Name = c.Name;
                track.Labels = c.Labels;
                track.Running = c.State is ContainerState.Running or ContainerState.Paused;
                if (track.Running && track.RunningSince is null)
                    track.RunningSince = now;

                switch (c.Health)
                {
                    case HealthStatus.Unhealthy:
                        var incident = await OpenAsync(engine, c.Id, c.Name, c.Labels, IncidentCause.Unhealthy, now, null, cancellationToken);
                        if (incident is not null)
                            sightings.Add(new UnhealthySighting(engine, c.Id, c.Name, c.Labels, incident.Id));
                        break;
                    case HealthStatus.Healthy:
                        await ResolveAsync(open, engine, c.Id, IncidentCause.Unhealthy, now, "healthy again (seen when reconciling)", cancellationToken);
                        break;
                }

                if (c.State == ContainerState.Restarting)
                    await SampleRestartCountAsync(engine, c, track, now, cancellationToken);

                // A container that was known to run and is now exited with an error, with no stop asked
                // for, crashed while the events were not reaching us.
                if (known && wasRunning && c.State == ContainerState.Exited && existing!.StopIntendedAt is null
                    && ExitedStatus().Match(c.Status) is { Success: true } exited
                    && long.Parse(exited.Groups[1].Value, CultureInfo.InvariantCulture) is var code && code != 0)
                {
                    track.RunningSince = null;
                    await OpenAsync(engine, c.Id, c.Name, c.Labels, IncidentCause.Crashed, now, code, cancellationToken);
                }
            }

            foreach (var incident in open.Values.Where(i => i.Engine == engine && !present.Contains(i.ContainerId)).ToList())
                await ResolveAsync(open, engine, incident.ContainerId, incident.Cause, now, "container removed", cancellationToken);
            foreach (var key in _tracks.Keys.Where(k => k.Engine == engine && !present.Contains(k.Id)).ToList())
                _tracks.Remove(key);
            return sightings;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The engine's own restart count, sampled while reconciling, finds a restart loop even when the
    /// stream lost the events of it.
    /// </summary>
    private async Task SampleRestartCountAsync(string engineName, ContainerSummary c, ContainerTrack track, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (engines.Find(engineName) is not { } engine)
            return;
        long count;
        try
        {
            count = (await engine.InspectContainerAsync(c.Id, cancellationToken)).RestartCount;
        }
        catch (EngineNotFoundException)
        {
            return;
        }

        track.RestartCounts.Enqueue((now, count));
        while (track.RestartCounts.TryPeek(out var first) && now - first.Time > policy.RestartLoopWindow)
            track.RestartCounts.Dequeue();
        var oldest = track.RestartCounts.Peek();
        if (count - oldest.Count > policy.RestartLoopCount || (oldest.Time == now && count > policy.RestartLoopCount && now - c.Created <= policy.RestartLoopWindow))
            await OpenAsync(engineName, c.Id, c.Name, c.Labels, IncidentCause.RestartLoop, now, null, cancellationToken);
    }

    /// <summary>Resolves crashes, OOM kills and restart loops of containers that have run long enough since.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var open = await OpenIncidentsAsync(cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var incident in open.Values.Where(i => i.Cause != IncidentCause.Unhealthy).ToList())
            {
                if (_tracks.TryGetValue((incident.Engine, incident.ContainerId), out var track)
                    && track.Running && track.RunningSince is { } since && since >= incident.OpenedAt - TimeSpan.FromSeconds(1)
                    && now - since >= policy.RecoveryGrace)
                {
                    await ResolveAsync(open, incident.Engine, incident.ContainerId, incident.Cause, now,
                        $"running again for {(now - since).TotalSeconds:0} s", cancellationToken);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Adds a line to an open incident's timeline and, when asked, sends it out again as an escalation.</summary>
    public async Task NoteAsync(string incidentId, string text, bool escalate, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var open = await OpenIncidentsAsync(cancellationToken);
            var entry = open.FirstOrDefault(o => o.Value.Id == incidentId);
            if (entry.Value is null)
                return;
            var now = clock.GetUtcNow();
            // The stored copy may be newer: instances sharing a store each add to the same timeline.
            var latest = await store.GetAsync(incidentId, cancellationToken) is { IsOpen: true } stored ? stored : entry.Value;
            var incident = latest.With(now, text);
            open[entry.Key] = incident;
            await store.SaveAsync(incident, cancellationToken);
            // A silence mutes every message about the container, escalations too (auto-heal goes on regardless).
            var silence = escalate ? await ActiveSilenceAsync(incident, SilenceKind.Silence, now, cancellationToken) : null;
            if (silence is not null)
            {
                incident = incident.With(now, $"escalation held back by silence {silence.Id}");
                open[entry.Key] = incident;
                await store.SaveAsync(incident, cancellationToken);
            }
            else if (escalate)
            {
                var escalations = incident.Timeline.Count(t => t.Text.StartsWith("escalated", StringComparison.Ordinal));
                incident = incident.With(now, "escalated: " + text);
                open[entry.Key] = incident;
                await store.SaveAsync(incident, cancellationToken);
                await alerts.PublishAsync(ToAlert(incident, AlertKind.Escalated, $"{incident.Id}:escalated:{escalations + 1}", now,
                    $"Escalated: {incident.ContainerName} {Describe(incident.Cause)}", text), cancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<Silence?> ActiveSilenceAsync(Incident incident, SilenceKind kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await store.ListSilencesAsync(now, cancellationToken))
            .FirstOrDefault(s => s.Kind == kind && s.ActiveAt(now) && s.Covers(incident.ContainerId, incident.ContainerName, incident.Labels));

    /// <summary>Whether planned maintenance covers the container now (auto-heal leaves it alone then).</summary>
    public async Task<bool> InMaintenanceAsync(string containerId, string containerName, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var silences = await store.ListSilencesAsync(now, cancellationToken);
        return silences.Any(s => s.Kind == SilenceKind.Maintenance && s.ActiveAt(now) && s.Covers(containerId, containerName, labels));
    }

    public async Task<Result<IReadOnlyList<Incident>>> ListAsync(Actor actor, TimeSpan recent, int limit, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.IncidentsRead, "incident.list", cancellationToken) is { } denied)
            return denied;
        if (limit is < 1 or > 1000)
            return Error.Invalid("limit", "limit must be between 1 and 1000.");
        var all = await store.ListAsync(clock.GetUtcNow() - recent, limit, cancellationToken);
        return Ok<IReadOnlyList<Incident>>(all.Where(i => actor.Scope.Includes(i.ContainerName, i.Labels)).ToList());
    }

    public async Task<Result<Incident>> GetAsync(Actor actor, string id, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.IncidentsRead, "incident.get", cancellationToken) is { } denied)
            return denied;
        var incident = await store.GetAsync(id, cancellationToken);
        return incident is not null && actor.Scope.Includes(incident.ContainerName, incident.Labels)
            ? incident
            : Error.NotFound($"No incident has the id '{id}'.");
    }

    public Task<Result<Incident>> AcknowledgeAsync(Actor actor, string id, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.IncidentsWrite, "incident.acknowledge", new Dictionary<string, string?> { ["id"] = id }, async audit =>
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                var open = await OpenIncidentsAsync(cancellationToken);
                var incident = await store.GetAsync(id, cancellationToken);
                if (incident is null || !actor.Scope.Includes(incident.ContainerName, incident.Labels))
                    return Error.NotFound($"No incident has the id '{id}'.");
                audit.Engine = incident.Engine;
                audit.TargetId = incident.ContainerId;
                audit.TargetName = incident.ContainerName;
                if (incident.AcknowledgedBy is not null)
                    return incident;
                var now = clock.GetUtcNow();
                incident = incident.With(now, $"acknowledged by {actor.DisplayName}") with { AcknowledgedBy = actor.DisplayName, AcknowledgedAt = now };
                await store.SaveAsync(incident, cancellationToken);
                if (incident.IsOpen)
                    open[(incident.Engine, incident.ContainerId, incident.Cause)] = incident;
                return Ok<Incident>(incident);
            }
            finally
            {
                _lock.Release();
            }
        }, cancellationToken);

    public Task<Result<Silence>> SilenceAsync(Actor actor, SilenceRequest request, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.IncidentsWrite, request.Kind == SilenceKind.Maintenance ? "incident.maintenance" : "incident.silence",
            new Dictionary<string, string?> { ["container"] = request.Container, ["label"] = request.Label, ["duration"] = request.Duration, ["starts"] = request.Starts?.ToString("O") },
            async audit =>
            {
                if (string.IsNullOrWhiteSpace(request.Container) == string.IsNullOrWhiteSpace(request.Label))
                    return Error.Invalid("container", "Give exactly one of container and label.");
                if (request.Kind == SilenceKind.Maintenance && string.IsNullOrWhiteSpace(request.Label))
                    return Error.Invalid("label", "Maintenance windows are set per label.");
                if (!DockerDuration.TryParse(request.Duration, out var duration) || duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(30))
                    return Error.Invalid("duration", "duration must be a positive duration of at most 30 days, such as 30m or 2h.");
                var now = clock.GetUtcNow();
                var starts = request.Starts ?? now;
                if (starts < now - TimeSpan.FromMinutes(1))
                    return Error.Invalid("starts", "starts must not be in the past.");
                audit.TargetName = request.Container ?? request.Label;
                var silence = new Silence(Guid.NewGuid().ToString("N")[..12], request.Kind, request.Container?.Trim(), request.Label?.Trim(),
                    starts, starts + duration, request.Reason, actor.DisplayName);
                await store.SaveSilenceAsync(silence, cancellationToken);
                return Ok<Silence>(silence);
            }, cancellationToken);

    public async Task<Result<IReadOnlyList<Silence>>> ListSilencesAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.IncidentsRead, "incident.silences", cancellationToken) is { } denied)
            return denied;
        return Ok<IReadOnlyList<Silence>>(await store.ListSilencesAsync(clock.GetUtcNow(), cancellationToken));
    }

    public Task<Result<bool>> RemoveSilenceAsync(Actor actor, string id, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.IncidentsWrite, "incident.unsilence", new Dictionary<string, string?> { ["id"] = id }, async _ =>
            await store.DeleteSilenceAsync(id, cancellationToken)
                ? Ok<bool>(true)
                : Error.NotFound($"No silence has the id '{id}'."), cancellationToken);

    private static Result<T> Ok<T>(T value) => value;

    private ContainerTrack Track(string engine, string id)
    {
        if (!_tracks.TryGetValue((engine, id), out var track))
            _tracks[(engine, id)] = track = new ContainerTrack();
        return track;
    }

    private async Task<Dictionary<(string Engine, string Id, IncidentCause Cause), Incident>> OpenIncidentsAsync(CancellationToken cancellationToken) =>
        _open ??= (await store.ListOpenAsync(cancellationToken)).ToDictionary(i => (i.Engine, i.ContainerId, i.Cause));

    /// <summary>Opens the incident unless one is open already; returns the open one (null under maintenance).</summary>
    private async Task<Incident?> OpenAsync(
        string engine, string containerId, string name, IReadOnlyDictionary<string, string> labels,
        IncidentCause cause, DateTimeOffset time, long? exitCode, CancellationToken cancellationToken)
    {
        var open = await OpenIncidentsAsync(cancellationToken);
        if (open.TryGetValue((engine, containerId, cause), out var existing))
        {
            // Another instance sharing the store may have resolved it while this one missed the recovery:
            // trusting the cached copy would leave the next incident unopened and unalerted here.
            if (await store.GetAsync(existing.Id, cancellationToken) is not { IsOpen: false })
                return existing;
            open.Remove((engine, containerId, cause));
        }

        var now = clock.GetUtcNow();
        var silences = (await store.ListSilencesAsync(now, cancellationToken)).Where(s => s.ActiveAt(now) && s.Covers(containerId, name, labels)).ToList();
        if (silences.Any(s => s.Kind == SilenceKind.Maintenance))
            return null;

        var (probe, logs) = await GatherEvidenceAsync(engine, containerId, cause, cancellationToken);
        var summary = Describe(cause) + (exitCode is { } code && cause == IncidentCause.Crashed ? $" (exit code {code})" : "");
        var incident = new Incident(
            Guid.NewGuid().ToString("N")[..16], engine, containerId, name, cause, IncidentState.Open, time, null, summary,
            probe, exitCode, labels, Alerted: silences.Count == 0, null, null, [new IncidentEntry(time, summary)]);
        if (silences.Count > 0)
            incident = incident.With(now, $"alert held back by silence {silences[0].Id}");
        var stored = await store.OpenOnceAsync(incident, cancellationToken);
        open[(engine, containerId, cause)] = stored;
        // Another instance sharing the store opened it first, and alerted.
        if (stored.Id != incident.Id)
            return stored;
        if (incident.Alerted)
        {
            await alerts.PublishAsync(ToAlert(incident, AlertKind.Opened, $"{incident.Id}:opened", now,
                $"{name} {Describe(cause)}", summary, logs), cancellationToken);
        }

        return incident;
    }

    private async Task ResolveAsync(
        Dictionary<(string Engine, string Id, IncidentCause Cause), Incident> open,
        string engine, string containerId, IncidentCause cause, DateTimeOffset time, string why, CancellationToken cancellationToken)
    {
        if (!open.Remove((engine, containerId, cause), out var incident))
            return;
        // Another instance sharing the store may have resolved it already (and said so), or added to its timeline.
        if (await store.GetAsync(incident.Id, cancellationToken) is { } stored)
        {
            if (!stored.IsOpen)
                return;
            incident = stored;
        }

        incident = incident.With(time, "resolved: " + why) with { State = IncidentState.Resolved, ResolvedAt = time };
        await store.SaveAsync(incident, cancellationToken);
        if (incident.Alerted)
        {
            await alerts.PublishAsync(ToAlert(incident, AlertKind.Resolved, $"{incident.Id}:resolved", clock.GetUtcNow(),
                $"Resolved: {incident.ContainerName} {Describe(cause)}", why), cancellationToken);
        }
    }

    private static Alert ToAlert(Incident incident, AlertKind kind, string id, DateTimeOffset now, string title, string summary, IReadOnlyList<string>? logs = null) =>
        new(id, kind, incident.Id, incident.Engine, incident.ContainerId, incident.ContainerName, incident.Cause, incident.OpenedAt, now,
            title, summary, incident.ProbeOutput, incident.ExitCode, logs ?? []);

    /// <summary>Signals that processes commonly take as "reload" or "rotate logs", not as "end".</summary>
    private static bool IsReloadSignal(string? signal) =>
        signal?.ToUpperInvariant().Replace("SIG", "", StringComparison.Ordinal) is "1" or "10" or "12" or "28" or "HUP" or "USR1" or "USR2" or "WINCH";

    public static string Describe(IncidentCause cause) => cause switch
    {
        IncidentCause.Unhealthy => "is unhealthy",
        IncidentCause.Crashed => "exited with an error",
        IncidentCause.OomKilled => "was killed for running out of memory",
        IncidentCause.RestartLoop => "is in a restart loop",
        _ => cause.ToString(),
    };

    /// <summary>The last probe output and log lines, best effort: an alert without them beats no alert.</summary>
    private async Task<(string? Probe, IReadOnlyList<string> Logs)> GatherEvidenceAsync(string engineName, string containerId, IncidentCause cause, CancellationToken cancellationToken)
    {
        var engine = engines.Find(engineName);
        if (engine is null)
            return (null, []);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        string? probe = null;
        var lines = new List<string>();
        try
        {
            var details = await engine.InspectContainerAsync(containerId, deadline.Token);
            if (cause == IncidentCause.Unhealthy && details.Health.Log.Count > 0)
                probe = details.Health.Log[^1].Output.Trim();
            // stdout and stderr come as separate streams whose chunks may interleave out of order:
            // ask for timestamps and sort the lines by them.
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            await foreach (var chunk in engine.ReadLogsAsync(containerId, details.Config.Tty,
                new LogQuery(Alert.LogLineCount, null, null, true, true, true, false), deadline.Token))
            {
                (chunk.Stream == LogStream.Stderr ? stderr : stdout).Append(Encoding.UTF8.GetString(chunk.Data.Span));
            }

            lines.AddRange(TimestampedLines(stdout).Concat(TimestampedLines(stderr))
                .OrderBy(l => l.Time, StringComparer.Ordinal)
                .Select(l => l.Text)
                .TakeLast(Alert.LogLineCount));
        }
        catch (Exception ex) when (ex is EngineException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        return (probe, lines);
    }

    /// <summary>Lines as "2026-01-01T12:00:00.123456789Z text", keyed by the stamp with its fraction padded to sort as text.</summary>
    private static IEnumerable<(string Time, string Text)> TimestampedLines(StringBuilder text) =>
        text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(l =>
        {
            var space = l.IndexOf(' ');
            return space > 0 ? (SortableStamp(l[..space]), l[(space + 1)..]) : (l, "");
        }).Where(l => l.Item2.Length > 0);

    private static string SortableStamp(string stamp)
    {
        var dot = stamp.IndexOf('.');
        var zone = stamp.IndexOfAny(['Z', '+'], Math.Max(dot, 0));
        return dot < 0 || zone < 0 ? stamp : stamp[..(dot + 1)] + stamp[(dot + 1)..zone].PadRight(9, '0') + stamp[zone..];
    }

    private sealed class ContainerTrack
    {
        public string Name { get; set; } = "";
        public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();
        public bool Running { get; set; }
        public DateTimeOffset? RunningSince { get; set; }
        public DateTimeOffset? StopIntendedAt { get; set; }
        public DateTimeOffset? OomAt { get; set; }
        public bool? LastDieIntended { get; set; }
        public Queue<DateTimeOffset> Restarts { get; } = new();
        public int StartsSeen { get; set; }
        public DateTimeOffset LastEventAt { get; set; } = DateTimeOffset.MinValue;
        public Queue<(DateTimeOffset Time, long Count)> RestartCounts { get; } = new();
    }
}

/// <summary>A silence or maintenance window to set: exactly one of container and label, and how long.</summary>
public sealed record SilenceRequest(SilenceKind Kind, string? Container, string? Label, string? Duration, DateTimeOffset? Starts, string? Reason);
