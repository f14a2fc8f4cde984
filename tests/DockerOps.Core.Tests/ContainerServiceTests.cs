using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;

namespace DockerOps.Core.Tests;

public sealed class ContainerServiceTests
{
    private static readonly Actor Admin = new("admin-key", "Admin", Channel.Rest, Role.Admin, AccessScope.Unrestricted);
    private static readonly Actor Operator = new("ops-key", "Ops", Channel.Slack, Role.Operator, AccessScope.Unrestricted);
    private static readonly Actor Viewer = new("viewer-key", "Viewer", Channel.Discord, Role.Viewer, AccessScope.Unrestricted);
    private static readonly Actor PaymentsOperator = new("pay-key", "Payments on-call", Channel.Slack, Role.Operator,
        new AccessScope(["pay-*"], ["team=payments"], []));

    private readonly FakeContainerEngine _engine = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly ContainerService _service;

    public ContainerServiceTests()
    {
        _service = new ContainerService(new FakeEngineRegistry(_engine), new ActionGate(_audit, TimeProvider.System), new ContainerGuardRails(new GuardRailSettings()));
    }

    [Fact]
    public async Task Starting_a_running_container_succeeds_without_changing_anything()
    {
        var web = _engine.Add("web", ContainerState.Running);

        var result = await _service.StartAsync(Operator, "web", null, default);

        Assert.True(result.IsOk, result.Error?.Detail);
        Assert.Equal(new ContainerActionResult(web.Id, "web", "start", ContainerState.Running, Changed: false), result.Value);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(("container.start", AuditOutcome.Ok, web.Id, "web"), (record.Action, record.Outcome, record.TargetId, record.TargetName));
    }

    [Fact]
    public async Task Pausing_is_idempotent_and_does_not_ask_the_engine_twice()
    {
        _engine.Add("web", ContainerState.Running);

        var first = await _service.PauseAsync(Operator, "web", null, default);
        var second = await _service.PauseAsync(Operator, "web", null, default);

        Assert.Equal((ContainerState.Paused, true), (first.Value.State, first.Value.Changed));
        Assert.Equal((ContainerState.Paused, false), (second.Value.State, second.Value.Changed));
        Assert.Single(_engine.Calls, call => call == "pause");

        var resumed = await _service.UnpauseAsync(Operator, "web", null, default);
        var again = await _service.UnpauseAsync(Operator, "web", null, default);
        Assert.Equal((ContainerState.Running, true), (resumed.Value.State, resumed.Value.Changed));
        Assert.Equal((ContainerState.Running, false), (again.Value.State, again.Value.Changed));
    }

    [Fact]
    public async Task Pausing_a_stopped_container_is_a_conflict_with_the_engines_message()
    {
        _engine.Add("web", ContainerState.Exited);

        var result = await _service.PauseAsync(Operator, "web", null, default);

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Contains("is not running", result.Error!.Detail);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(_audit.Records).Outcome);
    }

    [Fact]
    public async Task A_created_container_that_fails_to_start_is_removed_again()
    {
        _engine.StartFailure = "exec: \"/nope\": stat /nope: no such file or directory";
        var request = new CreateContainerRequest { Name = "broken", Image = "busybox", Command = ["/nope"], Start = true };

        var result = await _service.CreateAsync(Admin, request, null, default);

        Assert.False(result.IsOk);
        Assert.Equal((ErrorKind.Invalid, "command"), (result.Error!.Kind, result.Error.Field));
        Assert.Contains("/nope", result.Error.Detail);
        Assert.Empty(_engine.Containers);
        Assert.Equal(["create", "start", "remove"], _engine.Calls);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(("container.create", AuditOutcome.Failed), (record.Action, record.Outcome));
    }

    [Fact]
    public async Task A_start_refused_for_an_unknown_user_names_the_user_field()
    {
        _engine.StartFailure = "unable to find user nosuchuser: no matching entries in passwd file";

        var result = await _service.CreateAsync(Admin, new CreateContainerRequest { Image = "busybox", User = "nosuchuser", Start = true }, null, default);

        Assert.Equal((ErrorKind.Invalid, "user"), (result.Error?.Kind, result.Error?.Field));
        Assert.Empty(_engine.Containers);
    }

    [Fact]
    public async Task Creating_with_start_runs_the_container_and_records_env_names_but_never_values()
    {
        var request = new CreateContainerRequest
        {
            Name = "api",
            Image = "busybox",
            Env = new() { ["API_TOKEN"] = "s3cret-value" },
            Labels = new() { ["team"] = "payments" },
            Start = true,
        };

        var result = await _service.CreateAsync(Admin, request, null, default);

        Assert.True(result.IsOk, result.Error?.Detail);
        Assert.Equal(("api", ContainerState.Running), (result.Value.Name, result.Value.State.Status));
        var record = Assert.Single(_audit.Records);
        Assert.Equal(("container.create", AuditOutcome.Ok, "api", "local"), (record.Action, record.Outcome, record.TargetName, record.Engine));
        Assert.Equal("API_TOKEN", record.Parameters["env"]);
        Assert.DoesNotContain(record.Parameters.Values, value => value?.Contains("s3cret") == true);
    }

    [Fact]
    public async Task An_invalid_create_request_never_reaches_the_engine()
    {
        var result = await _service.CreateAsync(Admin, new CreateContainerRequest { Image = "busybox", Memory = "lots" }, null, default);

        Assert.Equal(("memory", ErrorKind.Invalid), (result.Error?.Field, result.Error?.Kind));
        Assert.Empty(_engine.Calls);
    }

    [Theory]
    [InlineData(null, "SIGKILL")]
    [InlineData("SIGTERM", "SIGTERM")]
    [InlineData("hup", "HUP")]
    [InlineData("sigusr1", "SIGUSR1")]
    [InlineData("9", "9")]
    public async Task Kill_sends_the_signal_as_given_or_SIGKILL_by_default(string? signal, string sent)
    {
        _engine.Add("web", ContainerState.Running);

        var result = await _service.KillAsync(Operator, "web", signal, null, default);

        Assert.True(result.IsOk, result.Error?.Detail);
        Assert.Contains($"kill {sent}", _engine.Calls);
        Assert.Equal(sent, _audit.Records.Single().Parameters["signal"]);
    }

    [Theory]
    [InlineData("KILL ME")]
    [InlineData("-9")]
    [InlineData("123")]
    [InlineData("SIGTERM;reboot")]
    public async Task Kill_refuses_what_is_not_a_signal_before_touching_the_engine(string signal)
    {
        _engine.Add("web", ContainerState.Running);

        var result = await _service.KillAsync(Operator, "web", signal, null, default);

        Assert.Equal(("signal", ErrorKind.Invalid), (result.Error?.Field, result.Error?.Kind));
        Assert.Empty(_engine.Calls);
    }

    [Fact]
    public async Task A_viewer_cannot_stop_a_container_and_the_refusal_is_audited()
    {
        var web = _engine.Add("web", ContainerState.Running);

        var result = await _service.StopAsync(Viewer, "web", null, null, default);

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("needs operator", result.Error!.Detail);
        Assert.Equal(ContainerState.Running, web.State);
        Assert.DoesNotContain("stop", _engine.Calls);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(("viewer-key", Channel.Discord, "container.stop", AuditOutcome.Denied), (record.ActorId, record.Channel, record.Action, record.Outcome));
    }

    [Fact]
    public async Task A_viewer_can_read_and_reads_leave_no_audit_record()
    {
        _engine.Add("web", ContainerState.Running);

        Assert.Single((await _service.ListAsync(Viewer, new ContainerQuery(), null, default)).Value);
        Assert.Equal("web", (await _service.GetAsync(Viewer, "web", null, default)).Value.Name);
        Assert.Empty(_audit.Records);
    }

    [Fact]
    public async Task An_operator_cannot_remove_containers_which_needs_admin()
    {
        _engine.Add("web", ContainerState.Exited);

        var result = await _service.RemoveAsync(Operator, "web", force: false, removeVolumes: false, null, default);

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Single(_engine.Containers);
    }

    [Fact]
    public async Task A_scoped_operator_sees_only_containers_in_its_scope()
    {
        _engine.Add("pay-api", ContainerState.Running);
        _engine.Add("billing", ContainerState.Running, new Dictionary<string, string> { ["team"] = "payments" });
        _engine.Add("blog", ContainerState.Running, new Dictionary<string, string> { ["team"] = "content" });

        var list = await _service.ListAsync(PaymentsOperator, new ContainerQuery(All: true), null, default);

        Assert.Equal(["billing", "pay-api"], list.Value.Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_scoped_operator_gets_not_found_for_containers_outside_its_scope_and_they_stay_untouched()
    {
        var blog = _engine.Add("blog", ContainerState.Running);

        var read = await _service.GetAsync(PaymentsOperator, "blog", null, default);
        var stop = await _service.StopAsync(PaymentsOperator, blog.Id[..12], null, null, default);

        Assert.Equal(ErrorKind.NotFound, read.Error?.Kind);
        Assert.Equal("No container matches 'blog'.", read.Error!.Detail);
        Assert.Equal(ErrorKind.NotFound, stop.Error?.Kind);
        Assert.Equal(ContainerState.Running, blog.State);
        Assert.DoesNotContain("stop", _engine.Calls);
    }

    [Fact]
    public async Task An_ambiguous_reference_is_a_conflict_listing_the_candidates()
    {
        _engine.Add("shop-api-1", labels: new Dictionary<string, string> { [ComposeLabels.Project] = "shop", [ComposeLabels.Service] = "api" });
        _engine.Add("blog-api-1", labels: new Dictionary<string, string> { [ComposeLabels.Project] = "blog", [ComposeLabels.Service] = "api" });

        var result = await _service.RestartAsync(Operator, "api", null, null, default);

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Equal(["blog-api-1", "shop-api-1"], result.Error!.Candidates);
        Assert.DoesNotContain("restart", _engine.Calls);
    }

    [Fact]
    public async Task No_change_is_made_when_the_audit_store_cannot_be_written()
    {
        var web = _engine.Add("web", ContainerState.Running);
        _audit.Writable = false;

        await Assert.ThrowsAsync<AuditUnavailableException>(() => _service.StopAsync(Operator, "web", null, null, default));

        Assert.Equal(ContainerState.Running, web.State);
        Assert.Empty(_engine.Calls);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    public async Task A_stop_timeout_out_of_range_is_invalid(int timeout)
    {
        _engine.Add("web", ContainerState.Running);

        var result = await _service.StopAsync(Operator, "web", timeout, null, default);

        Assert.Equal("timeout", result.Error?.Field);
        Assert.Empty(_engine.Calls);
    }

    [Fact]
    public async Task Stats_of_a_stopped_container_are_a_conflict()
    {
        _engine.Add("web", ContainerState.Exited);

        var result = await _service.GetStatsAsync(Viewer, "web", null, default);

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Contains("exited", result.Error!.Detail);
    }

    [Fact]
    public async Task An_unknown_engine_is_not_found_naming_the_known_ones()
    {
        var result = await _service.ListAsync(Viewer, new ContainerQuery(), "staging", default);

        Assert.Equal(ErrorKind.NotFound, result.Error?.Kind);
        Assert.Contains("local", result.Error!.Detail);
    }
}
