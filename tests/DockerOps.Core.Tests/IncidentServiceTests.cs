using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using DockerOps.Core.Incidents;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Core.Tests;

public sealed class IncidentServiceTests
{
    private const string Engine = "local";
    private const string Id = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    private static readonly Dictionary<string, string> NoLabels = [];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIncidentStore _store = new();
    private readonly RecordingPublisher _alerts = new();
    private readonly IncidentService _incidents;

    public IncidentServiceTests()
    {
        _incidents = new IncidentService(_store, _alerts, new NoEngines(), new ActionGate(new InMemoryAuditTrail(), _clock),
            new IncidentPolicy(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2)), _clock);
    }

    private ContainerEvent Event(EngineEventKind kind, HealthStatus? health = null, long? exit = null) =>
        new(kind, Id, "web", _clock.GetUtcNow(), NoLabels, health, exit);

    private static ContainerSummary Listed(ContainerState state, HealthStatus health, string status) =>
        new(Id, "web", "img", state, status, health, NoLabels, DateTimeOffset.UnixEpoch, [], null, null);

    [Fact]
    public async Task An_unhealthy_container_opens_one_incident_with_one_alert_however_often_it_is_reported()
    {
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.Unhealthy, "Up 1 minute (unhealthy)")], _clock.GetUtcNow(), default);

        var alert = Assert.Single(_alerts.Alerts);
        Assert.Equal(AlertKind.Opened, alert.Kind);
        Assert.Equal(IncidentCause.Unhealthy, alert.Cause);
        var incident = Assert.Single(await _store.ListOpenAsync(default));
        Assert.Equal(alert.IncidentId, incident.Id);
    }

    [Fact]
    public async Task An_instance_that_missed_a_recovery_on_the_shared_store_still_opens_and_alerts_the_next_incident()
    {
        // A second instance on the same store (and the same alert queue), as two replicas sharing PostgreSQL.
        var other = new IncidentService(_store, _alerts, new NoEngines(), new ActionGate(new InMemoryAuditTrail(), _clock),
            new IncidentPolicy(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2)), _clock);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);
        await other.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);
        var first = Assert.Single(_alerts.Alerts);

        // Only the first instance sees the recovery (the other was reconnecting) ...
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Healthy), default);
        // ... and only the other sees the container turn unhealthy again (the first is restarting).
        _clock.Advance(TimeSpan.FromMinutes(1));
        await other.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);

        Assert.Equal([AlertKind.Opened, AlertKind.Resolved, AlertKind.Opened], _alerts.Alerts.Select(a => a.Kind));
        var reopened = Assert.Single(await _store.ListOpenAsync(default));
        Assert.NotEqual(first.IncidentId, reopened.Id);
        Assert.Equal(reopened.Id, _alerts.Alerts[^1].IncidentId);
    }

    [Fact]
    public async Task After_a_daemon_restart_health_starting_is_neither_a_recovery_nor_a_new_incident()
    {
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);

        // The daemon restarts: the watcher reconnects and reconciles; health reset to starting, streak 0.
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.Starting, "Up 2 seconds (health: starting)")], _clock.GetUtcNow(), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Start), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Starting), default);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _incidents.TickAsync(default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);

        Assert.Equal([AlertKind.Opened], _alerts.Alerts.Select(a => a.Kind));
        var incident = Assert.Single(await _store.ListOpenAsync(default));
        Assert.Equal(IncidentCause.Unhealthy, incident.Cause);

        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Healthy), default);
        Assert.Equal([AlertKind.Opened, AlertKind.Resolved], _alerts.Alerts.Select(a => a.Kind));
        Assert.Empty(await _store.ListOpenAsync(default));
    }

    [Fact]
    public async Task A_non_zero_exit_after_a_kill_or_stop_is_not_a_crash_but_one_without_is()
    {
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Kill), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Die, exit: 137), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Stop), default);
        Assert.Empty(_alerts.Alerts);

        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Start), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Die, exit: 3), default);

        var alert = Assert.Single(_alerts.Alerts);
        Assert.Equal(IncidentCause.Crashed, alert.Cause);
        Assert.Equal(3, alert.ExitCode);
    }

    [Fact]
    public async Task An_oom_kill_is_its_own_incident_and_not_also_a_crash()
    {
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Oom), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Die, exit: 137), default);

        var alert = Assert.Single(_alerts.Alerts);
        Assert.Equal(IncidentCause.OomKilled, alert.Cause);
    }

    [Fact]
    public async Task A_container_crashing_over_and_over_is_one_crash_and_one_restart_loop_resolved_once_it_stays_up()
    {
        for (var i = 0; i < 5; i++)
        {
            await _incidents.HandleAsync(Engine, Event(EngineEventKind.Die, exit: 1), default);
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _incidents.HandleAsync(Engine, Event(EngineEventKind.Start), default);
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _incidents.TickAsync(default);
        }

        Assert.Equal([(AlertKind.Opened, IncidentCause.Crashed), (AlertKind.Opened, IncidentCause.RestartLoop)],
            _alerts.Alerts.Select(a => (a.Kind, a.Cause!.Value)));

        _clock.Advance(TimeSpan.FromSeconds(11));
        await _incidents.TickAsync(default);

        Assert.Equal(2, _alerts.Alerts.Count(a => a.Kind == AlertKind.Resolved));
        Assert.Empty(await _store.ListOpenAsync(default));
    }

    [Fact]
    public async Task A_silenced_container_records_the_incident_without_alerting_and_maintenance_records_nothing()
    {
        var admin = new Actor("t", "tester", Channel.Rest, Role.Admin, AccessScope.Unrestricted);
        var silenced = await _incidents.SilenceAsync(admin, new SilenceRequest(SilenceKind.Silence, "web", null, "30m", null, "deploy"), default);
        Assert.True(silenced.IsOk);

        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Unhealthy), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.HealthStatus, HealthStatus.Healthy), default);

        Assert.Empty(_alerts.Alerts);
        var incident = Assert.Single(await _store.ListAsync(DateTimeOffset.MinValue, 10, default));
        Assert.False(incident.Alerted);
        Assert.Contains(incident.Timeline, e => e.Text.Contains("silence", StringComparison.Ordinal));

        var refused = await _incidents.SilenceAsync(admin, new SilenceRequest(SilenceKind.Maintenance, "web", null, "30m", null, null), default);
        Assert.Equal("label", refused.Error!.Field);
    }

    [Fact]
    public async Task Events_missed_while_disconnected_are_found_by_reconciling_and_alerted_once()
    {
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.Healthy, "Up 1 minute (healthy)")], _clock.GetUtcNow(), default);
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.Unhealthy, "Up 2 minutes (unhealthy)")], _clock.GetUtcNow(), default);
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.Unhealthy, "Up 2 minutes (unhealthy)")], _clock.GetUtcNow(), default);
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Exited, HealthStatus.None, "Exited (2) 3 seconds ago")], _clock.GetUtcNow(), default);

        Assert.Equal([(AlertKind.Opened, IncidentCause.Unhealthy), (AlertKind.Opened, IncidentCause.Crashed)],
            _alerts.Alerts.Select(a => (a.Kind, a.Cause!.Value)));

        await _incidents.ReconcileAsync(Engine, [], _clock.GetUtcNow(), default);
        Assert.Equal(2, _alerts.Alerts.Count(a => a.Kind == AlertKind.Resolved));
    }

    [Fact]
    public async Task A_list_taken_before_the_latest_event_does_not_undo_what_the_event_said()
    {
        var listedAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Start), default);
        await _incidents.HandleAsync(Engine, Event(EngineEventKind.Die, exit: 1), default);

        // The list was taken while the container still ran; the die came after it.
        await _incidents.ReconcileAsync(Engine, [Listed(ContainerState.Running, HealthStatus.None, "Up 1 second")], listedAt, default);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _incidents.TickAsync(default);

        Assert.Equal([AlertKind.Opened], _alerts.Alerts.Select(a => a.Kind));
    }

    [Fact]
    public async Task Restarts_whose_die_events_were_skipped_still_count_towards_a_restart_loop()
    {
        for (var i = 0; i < 5; i++)
        {
            await _incidents.HandleAsync(Engine, Event(EngineEventKind.Start), default);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(IncidentCause.RestartLoop, Assert.Single(_alerts.Alerts).Cause);
    }

    private sealed class RecordingPublisher : IAlertPublisher
    {
        public List<Alert> Alerts { get; } = [];

        public Task PublishAsync(Alert alert, CancellationToken cancellationToken)
        {
            Alerts.Add(alert);
            return Task.CompletedTask;
        }
    }

    private sealed class NoEngines : IEngineRegistry
    {
        public string DefaultName => Engine;

        public IReadOnlyCollection<string> Names => [Engine];

        public IContainerEngine? Find(string name) => null;
    }
}
