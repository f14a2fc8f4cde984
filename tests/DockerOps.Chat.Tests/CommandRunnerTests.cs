using DockerOps.Chat.Commands;
using DockerOps.Core.Access;

namespace DockerOps.Chat.Tests;

public sealed class CommandRunnerTests : IDisposable
{
    private readonly ChatUnitHost _host = new(new Dictionary<string, string?> { ["Chat:SecondApproval:0"] = "kill" });

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Help_lists_only_what_the_caller_may_run()
    {
        var viewer = (await _host.RunAsync(ChatUnitHost.Slack("UVIEWER"), "help")).ToPlainText();
        var admin = (await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "help")).ToPlainText();

        Assert.Contains("`logs <container> [--tail N] [--since 10m]`", viewer);
        Assert.DoesNotContain("`restart", viewer);
        Assert.DoesNotContain("`rm", viewer);
        Assert.Contains("`restart <container>`", admin);
        Assert.Contains("`prune <containers|images|volumes|networks|system>", admin);
        Assert.Contains("Remove unused containers, images, volumes or networks (shows what would go, asks first).\n", admin);
        Assert.Contains("`run <job>` Run a scheduled job now.", admin);
        Assert.Contains("`jobs` Scheduled jobs", viewer);
        Assert.DoesNotContain("`run <job>`", viewer);
        Assert.DoesNotContain("`ack", viewer);
    }

    [Fact]
    public async Task An_unmapped_user_gets_nothing_but_how_to_be_mapped()
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("USTRANGER"), "ps");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Equal("You are not mapped to a DockerOps role.", reply.Headline);
        Assert.Contains("`USTRANGER`", reply.Lines[0]);
        Assert.Empty(_host.Engine.Actions);
    }

    [Fact]
    public async Task A_viewer_is_refused_a_restart_and_the_refusal_is_audited()
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("UVIEWER"), "restart worker");

        Assert.Equal("Not allowed.", reply.Headline);
        Assert.Contains("needs operator", reply.Lines[0]);
        Assert.Empty(_host.Engine.Actions);
        var record = Assert.Single(_host.Audit.Records);
        Assert.Equal((Channel.Slack, "chat.restart", AuditOutcome.Denied, "slack:UVIEWER"), (record.Channel, record.Action, record.Outcome, record.ActorId));
    }

    [Fact]
    public async Task A_restart_by_an_operator_is_announced_in_the_channel()
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("UOPERATOR"), "restart worker");

        Assert.Equal("<@UOPERATOR> restarted `worker`", reply.Headline);
        Assert.True(reply.InChannel);
        Assert.Equal(["restart worker"], _host.Engine.Actions);
    }

    [Fact]
    public async Task Reads_are_private()
    {
        var ps = await _host.RunAsync(ChatUnitHost.Slack("UVIEWER"), "ps");

        Assert.False(ps.InChannel);
        Assert.Contains("api-1", ps.Code);
    }

    [Theory]
    [InlineData("silence api-1", "`<duration>` is required.", "/docker silence <container> <duration>")]
    [InlineData("silence api-1 forever", "`forever`", "/docker silence <container> <duration>")]
    [InlineData("ack", "`<incident>` is required.", "/docker ack <incident>")]
    [InlineData("run", "`<job>` is required.", "/docker run <job>")]
    [InlineData("jobs extra", "`jobs` takes at most 0 argument(s).", "/docker jobs")]
    public async Task Bad_arguments_to_the_job_and_incident_verbs_answer_with_usage(string text, string problem, string usage)
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), text);

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains(problem, reply.Headline);
        Assert.Equal($"Usage: `{usage}`", reply.Lines[0]);
        Assert.Empty(_host.Engine.Actions);
    }

    [Fact]
    public async Task Unknown_verbs_answer_with_a_pointer_to_help()
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("UVIEWER"), "restrat api");

        Assert.Equal("Unknown command `restrat`.", reply.Headline);
        Assert.Equal("Try `/docker help` for the commands you may run.", reply.Lines[0]);
    }

    [Fact]
    public async Task Remove_asks_first_and_only_the_requester_can_confirm_once()
    {
        var prompt = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "rm old");
        Assert.Equal("Remove `old`?", prompt.Headline);
        Assert.Empty(_host.Engine.Actions);
        var confirm = prompt.Buttons.Single(b => b.Label == "Confirm").ActionId;

        var other = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN2"), confirm);
        Assert.Equal("Only <@UADMIN> can confirm or cancel this.", other.Headline);
        Assert.Empty(_host.Engine.Actions);

        var done = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm);
        Assert.Equal("<@UADMIN> removed `old`", done.Headline);
        Assert.Equal(["rm old"], _host.Engine.Actions);

        var again = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm);
        Assert.Equal("This confirmation was already used or cancelled.", again.Headline);
        Assert.Single(_host.Engine.Actions);
    }

    [Fact]
    public async Task A_running_container_is_not_offered_for_removal_without_force()
    {
        var reply = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "rm worker");

        Assert.Equal("`worker` is running.", reply.Headline);
        Assert.Empty(reply.Buttons);
    }

    [Fact]
    public async Task A_confirmation_expires_after_sixty_seconds()
    {
        var prompt = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "rm old");
        _host.Clock.Advance(TimeSpan.FromSeconds(61));

        var late = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), prompt.Buttons[0].ActionId);

        Assert.StartsWith("This confirmation expired after 60 s", late.Headline);
        Assert.Empty(_host.Engine.Actions);
    }

    [Fact]
    public async Task Cancel_by_the_requester_drops_the_action()
    {
        var prompt = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "rm old");

        var cancelled = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), prompt.Buttons.Single(b => b.Label == "Cancel").ActionId);

        Assert.Equal("Cancelled: `rm old` was not run.", cancelled.Headline);
        var after = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), prompt.Buttons[0].ActionId);
        Assert.Equal("This confirmation was already used or cancelled.", after.Headline);
    }

    [Fact]
    public async Task Stopping_a_protected_container_is_for_admins_after_confirming_but_others_stop_at_once()
    {
        var plain = await _host.RunAsync(ChatUnitHost.Slack("UOPERATOR"), "stop worker");
        var refused = await _host.RunAsync(ChatUnitHost.Slack("UOPERATOR"), "stop vault");
        var guarded = await _host.RunAsync(ChatUnitHost.Slack("UADMIN"), "stop vault");

        Assert.Equal("<@UOPERATOR> stopped `worker`", plain.Headline);
        Assert.Equal("`vault` is protected.", refused.Headline);
        Assert.Empty(refused.Buttons);
        Assert.Equal("Stop `vault`?", guarded.Headline);
        Assert.Equal(["stop worker"], _host.Engine.Actions);

        var done = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), guarded.Buttons[0].ActionId);
        Assert.Equal("<@UADMIN> stopped `vault`", done.Headline);
        Assert.Equal(["stop worker", "stop vault"], _host.Engine.Actions);
    }

    [Fact]
    public async Task A_configured_second_approver_must_be_someone_else_with_the_permission()
    {
        var prompt = await _host.RunAsync(ChatUnitHost.Slack("UOPERATOR"), "kill worker");
        var waiting = await _host.ClickAsync(ChatUnitHost.Slack("UOPERATOR"), prompt.Buttons[0].ActionId);
        Assert.Equal("<@UOPERATOR> confirmed `kill worker`.", waiting.Headline);
        var approve = waiting.Buttons.Single(b => b.Label == "Approve").ActionId;

        Assert.Equal("The second approval must come from someone else.", (await _host.ClickAsync(ChatUnitHost.Slack("UOPERATOR"), approve)).Headline);
        Assert.Equal("Your role may not approve `kill`.", (await _host.ClickAsync(ChatUnitHost.Slack("UVIEWER"), approve)).Headline);
        Assert.Empty(_host.Engine.Actions);

        var done = await _host.ClickAsync(ChatUnitHost.Slack("UADMIN"), approve);
        Assert.Equal("<@UOPERATOR> killed `worker`", done.Headline);
        Assert.Contains("Approved by <@UADMIN>.", done.Lines);
        Assert.Equal(["kill worker"], _host.Engine.Actions);
    }

    [Fact]
    public async Task Whoami_shows_the_mapping_and_scope_from_a_discord_role()
    {
        var user = new ChatUser(ChatPlatform.Discord, "42", "dev", ["111", "555"], "C1");

        var reply = await _host.RunAsync(user, "whoami");

        Assert.Equal("You are <@42>: operator", reply.Headline);
        Assert.Equal(["Scope: names api-*", "Mapped by role 555 on discord."], reply.Lines);
    }

    [Fact]
    public async Task A_scoped_user_cannot_see_or_touch_containers_outside_the_scope()
    {
        var user = new ChatUser(ChatPlatform.Discord, "42", "dev", ["555"], "C1");

        var ps = await _host.RunAsync(user, "ps");
        var restart = await _host.RunAsync(user, "restart worker");

        Assert.Contains("api-1", ps.Code);
        Assert.DoesNotContain("worker", ps.Code);
        Assert.Equal("Not found.", restart.Headline);
        Assert.Empty(_host.Engine.Actions);
    }
}
