using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Pruning;
using DockerOps.Core.Volumes;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Core.Tests;

public sealed class ResourceServiceTests
{
    private readonly FakeEngine _engine = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static Actor Admin(AccessScope? scope = null) => new("k1", "ops", Channel.Rest, Role.Admin, scope ?? AccessScope.Unrestricted);

    private static readonly AccessScope Payments = new([], ["team=payments"], []);

    private ActionGate Gate => new(_audit, _clock);

    [Fact]
    public async Task A_second_prune_of_the_same_kind_while_one_runs_is_a_conflict_and_both_are_audited()
    {
        _engine.Usage = new DiskUsage([], [new ContainerUsage("c1", "old", "app:1", "sha256:a", ContainerState.Exited, _clock.GetUtcNow().AddDays(-1), 10, new Dictionary<string, string>(), [])], [], []);
        _engine.HoldRemovals = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var prune = new PruneService(_engine, Gate, new PruneLocks(), _clock);

        var first = prune.PruneContainersAsync(Admin(), new PruneRequest(false), null, CancellationToken.None);
        await _engine.RemovalStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await prune.PruneContainersAsync(Admin(), new PruneRequest(false), null, CancellationToken.None);
        var preview = await prune.PruneContainersAsync(Admin(), new PruneRequest(true), null, CancellationToken.None);
        _engine.HoldRemovals.SetResult();
        var done = await first;

        Assert.Equal(ErrorKind.Conflict, second.Error!.Kind);
        Assert.Contains("containers prune is already running", second.Error.Detail);
        Assert.True(preview.IsOk);
        Assert.Equal("c1", Assert.Single(done.Value.Items).Id);
        Assert.Equal(10, done.Value.Bytes);
        Assert.Equal(new[] { AuditOutcome.Failed, AuditOutcome.Ok }, _audit.Records.Where(r => r.Action == "containers.prune").Select(r => r.Outcome));
        Assert.True((await prune.PruneContainersAsync(Admin(), new PruneRequest(false), null, CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task Prunes_need_the_prune_permission_even_for_a_preview()
    {
        var prune = new PruneService(_engine, Gate, new PruneLocks(), _clock);
        var operatorActor = new Actor("k2", "oncall", Channel.Slack, Role.Operator, AccessScope.Unrestricted);

        var preview = await prune.PruneSystemAsync(operatorActor, new PruneRequest(true), null, CancellationToken.None);
        var real = await prune.PruneSystemAsync(operatorActor, new PruneRequest(false), null, CancellationToken.None);

        Assert.Equal(ErrorKind.Forbidden, preview.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, real.Error!.Kind);
        Assert.All(_audit.Records, r => Assert.Equal(AuditOutcome.Denied, r.Outcome));
        Assert.Empty(_engine.Removed);
    }

    [Fact]
    public async Task A_scoped_actor_gets_no_events_about_containers_outside_its_scope()
    {
        _engine.Containers.Add(FakeEngine.Summary("mine", "pay-api", ContainerState.Running, ("team", "payments")));
        _engine.Containers.Add(FakeEngine.Summary("theirs", "web", ContainerState.Running, ("team", "web")));
        var time = _clock.GetUtcNow();
        _engine.Events.AddRange(
        [
            new EngineEvent("container", "start", "mine", new Dictionary<string, string> { ["name"] = "pay-api", ["team"] = "payments" }, time),
            new EngineEvent("container", "start", "theirs", new Dictionary<string, string> { ["name"] = "web", ["team"] = "web" }, time),
            new EngineEvent("network", "connect", "net1", new Dictionary<string, string> { ["container"] = "theirs", ["name"] = "front" }, time),
            new EngineEvent("network", "connect", "net1", new Dictionary<string, string> { ["container"] = "mine", ["name"] = "front" }, time),
            new EngineEvent("container", "create", "newer", new Dictionary<string, string> { ["name"] = "pay-worker", ["team"] = "payments" }, time),
            new EngineEvent("volume", "mount", "v1", new Dictionary<string, string> { ["container"] = "newer" }, time),
            new EngineEvent("image", "pull", "app:1", new Dictionary<string, string> { ["name"] = "app:1" }, time),
        ]);
        var system = new SystemService(_engine, Gate);

        var stream = await system.WatchEventsAsync(new Actor("k3", "payments", Channel.Rest, Role.Viewer, Payments), new EventQuery(), null, CancellationToken.None);
        var seen = new List<string>();
        await foreach (var engineEvent in stream.Value)
            seen.Add($"{engineEvent.Type}:{engineEvent.Action}:{engineEvent.ActorId}:{engineEvent.Attributes.GetValueOrDefault("container")}");

        Assert.Equal(
            ["container:start:mine:", "network:connect:net1:mine", "container:create:newer:", "volume:mount:v1:newer", "image:pull:app:1:"],
            seen);
    }

    [Fact]
    public async Task A_volume_conflict_names_only_the_containers_the_actor_may_see()
    {
        _engine.Volumes.Add(new VolumeInfo("shared", "local", null, "local", null, new Dictionary<string, string>(), new Dictionary<string, string>(), false, true,
        [
            new ContainerUse("mine", "pay-api", new Dictionary<string, string> { ["team"] = "payments" }),
            new ContainerUse("theirs", "secret-web", new Dictionary<string, string> { ["team"] = "web" }),
        ]));
        var volumes = new VolumeService(_engine, Gate);

        var listed = await volumes.ListAsync(Admin(Payments), new VolumeQuery(), null, CancellationToken.None);
        var removal = await volumes.RemoveAsync(Admin(Payments), "shared", force: false, null, CancellationToken.None);

        Assert.Equal("pay-api", Assert.Single(Assert.Single(listed.Value).UsedBy).Name);
        Assert.Equal(ErrorKind.Conflict, removal.Error!.Kind);
        Assert.Contains("'pay-api'", removal.Error.Detail);
        Assert.Contains("1 container(s) outside your scope", removal.Error.Detail);
        Assert.DoesNotContain("secret-web", removal.Error.Detail);
        Assert.Empty(_engine.Removed);
    }

    [Fact]
    public async Task Force_does_not_let_a_scoped_actor_remove_containers_outside_its_scope()
    {
        _engine.Volumes.Add(new VolumeInfo("shared", "local", null, "local", null, new Dictionary<string, string>(), new Dictionary<string, string>(), false, true,
            [new ContainerUse("theirs", "secret-web", new Dictionary<string, string> { ["team"] = "web" })]));
        var volumes = new VolumeService(_engine, Gate);

        var removal = await volumes.RemoveAsync(Admin(Payments), "shared", force: true, null, CancellationToken.None);

        Assert.Equal(ErrorKind.Conflict, removal.Error!.Kind);
        Assert.DoesNotContain("secret-web", removal.Error.Detail);
        Assert.Empty(_engine.Removed);
    }
}
