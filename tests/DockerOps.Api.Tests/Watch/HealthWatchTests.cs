using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Jobs.Alerts;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace DockerOps.Api.Tests.Watch;

/// <summary>Discord, Slack (webhook and a bot that is refused) and a signed webhook, all on WireMock.</summary>
public sealed class WatchedApp() : ReceiverApp(Prepare("watch", Stub, url => new Dictionary<string, string?>
{
    ["Health:RecoveryGraceSeconds"] = "2",
    ["Health:RestartLoopCount"] = "3",
    ["Health:RestartLoopWindowSeconds"] = "60",
    ["Health:ReconcileSeconds"] = "5",
    ["Health:AutoHeal:MaxRestarts"] = "2",
    ["Health:AutoHeal:BackoffSeconds"] = "0.2",
    ["Health:AutoHeal:StopTimeoutSeconds"] = "1",
    ["Alerts:Channels:0:Name"] = "ops-discord",
    ["Alerts:Channels:0:Type"] = "discord",
    ["Alerts:Channels:0:Url"] = $"{url}/discord",
    ["Alerts:Channels:1:Name"] = "ops-slack",
    ["Alerts:Channels:1:Type"] = "slack",
    ["Alerts:Channels:1:Url"] = $"{url}/slack",
    ["Alerts:Channels:2:Name"] = "pager",
    ["Alerts:Channels:2:Type"] = "webhook",
    ["Alerts:Channels:2:Url"] = $"{url}/hook",
    ["Alerts:Channels:2:Secret"] = Secret,
    ["Alerts:Channels:3:Name"] = "slack-bot",
    ["Alerts:Channels:3:Type"] = "slack",
    ["Alerts:Channels:3:Url"] = $"{url}/api/chat.postMessage",
    ["Alerts:Channels:3:Token"] = "xoxb-test",
    ["Alerts:Channels:3:Channel"] = "C0NOSUCH",
}))
{
    public const string Secret = "webhook-secret";

    private static void Stub(WireMock.Server.WireMockServer server)
    {
        server.Given(Request.Create().WithPath("/discord").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        server.Given(Request.Create().WithPath("/slack").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        server.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        server.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":false,"error":"channel_not_found"}"""));
    }
}

public sealed class HealthWatchTests(WatchedApp app) : IClassFixture<WatchedApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _client = app.CreateClient();

    private static int Count(IEnumerable<JsonNode> alerts, string kind, string? cause = null) =>
        alerts.Count(a => (string?)a["kind"] == kind && (cause is null || (string?)a["cause"] == cause));

    [Fact]
    public async Task A_container_whose_health_check_starts_failing_raises_exactly_one_alert_and_one_recovery_on_every_channel()
    {
        var name = TestContainers.UniqueName("flap");
        await WatchedContainers.RunFlappingAsync(app.Scope, name, unhealthySeconds: 3);

        await ReceiverApp.WaitUntilAsync(() => Count(app.WebhookAlerts("/hook", name), "resolved") == 1, Patience, "the recovery message");
        await Task.Delay(1500);

        var alerts = app.WebhookAlerts("/hook", name);
        Assert.Equal(1, Count(alerts, "opened", "unhealthy"));
        Assert.Equal(1, Count(alerts, "resolved", "unhealthy"));
        var opened = alerts.Single(a => (string?)a["kind"] == "opened");
        Assert.Equal("local", (string?)opened["engine"]);
        Assert.Contains("/tmp/ok is missing", (string?)opened["probeOutput"]);
        Assert.Contains("lost the file", opened["logLines"]!.AsArray().Select(l => (string?)l));
        Assert.NotNull(opened["since"]);

        // The webhook is signed with HMAC-SHA256 of the exact body.
        var request = app.Received("/hook").First(e => e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal)).RequestMessage;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WatchedApp.Secret), Encoding.UTF8.GetBytes(request.Body!)));
        Assert.Equal(expected, request.Headers![AlertSender.SignatureHeader].Single());

        // Discord and Slack got the same two messages, in their own formats.
        var discord = app.Received("/discord").Where(e => e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, discord.Count);
        Assert.Contains("is unhealthy", (string?)JsonNode.Parse(discord[0].RequestMessage.Body!)!["embeds"]![0]!["title"]);
        var slack = app.Received("/slack").Where(e => e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, slack.Count);
        Assert.StartsWith("Resolved", (string?)JsonNode.Parse(slack[1].RequestMessage.Body!)!["text"]);

        // The incident is listed as resolved, with its timeline.
        var incidents = await (await _client.GetAsync("/api/v1/incidents?recent=1h")).AssertOkJsonAsync();
        var incident = incidents.AsArray().Single(i => (string?)i!["containerName"] == name)!;
        Assert.Equal("resolved", (string?)incident["state"]);
        Assert.Contains(incident["timeline"]!.AsArray(), e => ((string?)e!["text"])!.StartsWith("resolved: healthy again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crash_is_alerted_with_its_exit_code_and_last_logs_but_a_deliberate_stop_is_not()
    {
        var crasher = TestContainers.UniqueName("crash");
        var stopped = TestContainers.UniqueName("calm");
        await WatchedContainers.RunAsync(app.Scope, crasher, "echo 'starting up'; echo 'fatal: no config' >&2; sleep 1; exit 3");
        await WatchedContainers.RunAsync(app.Scope, stopped, "sleep 3600");

        var stop = await (await _client.PostAsync($"/api/v1/containers/{stopped}/stop?timeout=1", null)).AssertOkJsonAsync();
        Assert.Equal("exited", (string?)stop["state"]);

        await ReceiverApp.WaitUntilAsync(() => Count(app.WebhookAlerts("/hook", crasher), "opened") == 1, Patience, "the crash alert");
        await Task.Delay(2000);

        var crash = Assert.Single(app.WebhookAlerts("/hook", crasher));
        Assert.Equal("crashed", (string?)crash["cause"]);
        Assert.Equal(3, (int)crash["exitCode"]!);
        // stdout and stderr are read by separate copiers in the engine: their relative order is not kept.
        Assert.Equal(["fatal: no config", "starting up"], crash["logLines"]!.AsArray().Select(l => (string?)l).Order());
        Assert.Empty(app.WebhookAlerts("/hook", stopped));
    }

    [Fact]
    public async Task A_restart_loop_raises_one_restart_loop_alert_beside_the_one_crash()
    {
        var name = TestContainers.UniqueName("loop");
        await WatchedContainers.RunAsync(app.Scope, name, "sleep 0.3; exit 1", restartPolicy: "always");

        await ReceiverApp.WaitUntilAsync(() => Count(app.WebhookAlerts("/hook", name), "opened", "restart-loop") == 1, Patience, "the restart-loop alert");
        await Task.Delay(2000);

        var alerts = app.WebhookAlerts("/hook", name);
        Assert.Equal(1, Count(alerts, "opened", "restart-loop"));
        Assert.Equal(1, Count(alerts, "opened", "crashed"));
        Assert.Equal(0, Count(alerts, "resolved"));
    }

    [Fact]
    public async Task Auto_heal_restarts_within_its_budget_with_the_containers_in_its_network_namespace_then_escalates()
    {
        var name = TestContainers.UniqueName("heal");
        var id = await WatchedContainers.RunAsync(app.Scope, name, WatchedContainers.Script("sleep 3600"),
            health: ["CMD-SHELL", "echo 'still broken'; exit 1"], labels: new Dictionary<string, string> { ["dockerops.autoheal"] = "true" });
        var sidecar = TestContainers.UniqueName("side");
        var sidecarId = await WatchedContainers.RunAsync(app.Scope, sidecar, WatchedContainers.Script("sleep 3600"), networkMode: $"container:{id}");

        await ReceiverApp.WaitUntilAsync(() => Count(app.WebhookAlerts("/hook", name), "escalated") == 1, Patience, "the escalation");
        await Task.Delay(2000);

        var page = await (await app.CreateClient().GetAsync("/api/v1/audit?action=container.restart&outcome=ok&limit=1000")).AssertOkJsonAsync();
        // The trail lists newest first; oldest first reads in the order the restarts happened.
        var restarts = page["records"]!.AsArray().Select(r => r!).Where(r => (string?)r["channel"] == "job").Reverse().ToList();
        Assert.Equal(2, restarts.Count(r => (string?)r["targetId"] == id));
        Assert.Equal(2, restarts.Count(r => (string?)r["targetId"] == sidecarId));
        Assert.All(restarts, r => Assert.Equal("auto-heal", (string?)r["actorName"]));
        // Each sidecar restart comes after the restart of the container it depends on.
        Assert.True(restarts.FindIndex(r => (string?)r["targetId"] == sidecarId) > restarts.FindIndex(r => (string?)r["targetId"] == id));

        var alerts = app.WebhookAlerts("/hook", name);
        Assert.Equal(1, Count(alerts, "opened", "unhealthy"));
        Assert.Contains("budget spent", (string?)alerts.Single(a => (string?)a["kind"] == "escalated")["summary"]);

        var incident = (await (await _client.GetAsync("/api/v1/incidents")).AssertOkJsonAsync()).AsArray().Single(i => (string?)i!["containerName"] == name)!;
        Assert.True((string?)incident["state"] == "open", incident.ToJsonString());
        Assert.Equal(2, incident["timeline"]!.AsArray().Count(e => ((string?)e!["text"])!.StartsWith("auto-heal restarted it", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_silence_mutes_the_alerts_of_an_unhealthy_autoheal_container_but_auto_heal_still_restarts_it()
    {
        var quiet = $"muted-{Guid.NewGuid():N}"[..14];
        await (await _client.PostJsonAsync("/api/v1/incidents/silences", new { label = $"{quiet}=yes", duration = "10m", reason = "noisy" })).AssertOkJsonAsync();
        var name = TestContainers.UniqueName("mutedheal");
        var id = await WatchedContainers.RunAsync(app.Scope, name, WatchedContainers.Script("sleep 3600"),
            health: ["CMD-SHELL", "exit 1"], labels: new Dictionary<string, string> { ["dockerops.autoheal"] = "true", [quiet] = "yes" });

        // Restarted up to its budget, then escalated: the escalation is muted as well.
        await ReceiverApp.WaitUntilAsync(() => Timeline(name).Any(t => t.StartsWith("escalation held back by silence", StringComparison.Ordinal)), Patience, "the budget to be spent");
        await Task.Delay(1500);

        Assert.Equal(2, Timeline(name).Count(t => t.StartsWith("auto-heal restarted it", StringComparison.Ordinal)));
        Assert.Equal(2, await AutoHealRestartsAsync(id));
        Assert.Empty(app.WebhookAlerts("/hook", name));
        Assert.DoesNotContain(app.Received("/discord"), e => e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal));
        var incident = Incident(name)!;
        Assert.False((bool)incident["alerted"]!);
    }

    [Fact]
    public async Task A_maintenance_window_stops_auto_heal_and_alerts_for_an_unhealthy_container()
    {
        var planned = $"planned-{Guid.NewGuid():N}"[..16];
        var window = await (await _client.PostJsonAsync("/api/v1/incidents/maintenance", new { label = $"{planned}=yes", duration = "10m", reason = "upgrade" })).AssertOkJsonAsync();
        Assert.Equal("maintenance", (string?)window["kind"]);
        var name = TestContainers.UniqueName("planned");
        var id = await WatchedContainers.RunAsync(app.Scope, name, WatchedContainers.Script("sleep 3600"),
            health: ["CMD-SHELL", "exit 1"], labels: new Dictionary<string, string> { ["dockerops.autoheal"] = "true", [planned] = "yes" });

        await ReceiverApp.WaitUntilAsync(() => WatchedContainers.HealthAsync(id).Result == "unhealthy", Patience, "the container to turn unhealthy");
        // Past a reconcile (every 5 s here) as well as the event.
        await Task.Delay(7000);

        Assert.Equal("unhealthy", await WatchedContainers.HealthAsync(id));
        Assert.Equal(0, await AutoHealRestartsAsync(id));
        using (var engine = TestEngine.CreateClient())
            Assert.Equal(0, (await engine.Containers.InspectContainerAsync(id)).RestartCount);
        Assert.Empty(app.WebhookAlerts("/hook", name));
        Assert.Null(Incident(name));
    }

    private JsonNode? Incident(string name) =>
        _client.GetAsync("/api/v1/incidents?recent=1h").Result.ReadJsonAsync().Result.AsArray().SingleOrDefault(i => (string?)i!["containerName"] == name);

    private IReadOnlyList<string> Timeline(string name) =>
        Incident(name)?["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList() ?? [];

    private async Task<int> AutoHealRestartsAsync(string id)
    {
        var page = await (await _client.GetAsync("/api/v1/audit?action=container.restart&limit=1000")).AssertOkJsonAsync();
        return page["records"]!.AsArray().Count(r => (string?)r!["targetId"] == id && (string?)r["actorName"] == "auto-heal");
    }

    [Fact]
    public async Task The_test_endpoint_reports_each_channel_including_a_slack_bot_that_is_refused()
    {
        var results = (await (await _client.PostAsync("/api/v1/alerts/test", null)).AssertOkJsonAsync()).AsArray();

        Assert.Equal(["ops-discord", "ops-slack", "pager", "slack-bot"], results.Select(r => (string?)r!["channel"]));
        Assert.All(results.Take(3), r => Assert.True((bool)r!["delivered"]!));
        var bot = results[3]!;
        Assert.False((bool)bot["delivered"]!);
        Assert.Contains("channel_not_found", (string?)bot["message"]);
        var botRequest = app.Received("/api/chat.postMessage").Last().RequestMessage;
        Assert.Equal("Bearer xoxb-test", botRequest.Headers!["Authorization"].Single());
        Assert.Equal("C0NOSUCH", (string?)JsonNode.Parse(botRequest.Body!)!["channel"]);
    }

    [Fact]
    public async Task Running_the_same_delivery_job_twice_delivers_the_alert_once()
    {
        using var scope = app.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<AlertDeliveryJob>();
        var name = TestContainers.UniqueName("twice");
        var alert = new Alert($"manual-{name}", AlertKind.Opened, null, "local", "0123456789ab", name, DockerOps.Core.Incidents.IncidentCause.Crashed,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "twice", "twice", null, 1, []);

        await job.DeliverAsync($"manual-{name}/pager", "pager", alert, CancellationToken.None);
        await job.DeliverAsync($"manual-{name}/pager", "pager", alert, CancellationToken.None);

        Assert.Single(app.WebhookAlerts("/hook", name));
    }

    [Fact]
    public async Task An_incident_can_be_acknowledged_and_a_label_silenced()
    {
        var name = TestContainers.UniqueName("ack");
        await WatchedContainers.RunAsync(app.Scope, name, "exit 4");
        await ReceiverApp.WaitUntilAsync(() => app.WebhookAlerts("/hook", name).Count == 1, Patience, "the crash alert");
        var id = (string)app.WebhookAlerts("/hook", name)[0]["incidentId"]!;

        var acknowledged = await (await _client.PostAsync($"/api/v1/incidents/{id}/acknowledge", null)).AssertOkJsonAsync();
        Assert.Equal("bootstrap-admin", (string?)acknowledged["acknowledgedBy"]);
        Assert.Contains(acknowledged["timeline"]!.AsArray(), e => (string?)e!["text"] == "acknowledged by bootstrap-admin");

        var silenceLabel = $"quiet-{Guid.NewGuid():N}"[..14];
        var silence = await (await _client.PostJsonAsync("/api/v1/incidents/silences", new { label = $"{silenceLabel}=yes", duration = "10m", reason = "noisy test" })).AssertOkJsonAsync();
        Assert.Equal("silence", (string?)silence["kind"]);
        var quiet = TestContainers.UniqueName("quiet");
        await WatchedContainers.RunAsync(app.Scope, quiet, "exit 5", labels: new Dictionary<string, string> { [silenceLabel] = "yes" });
        await Task.Delay(3000);
        Assert.Empty(app.WebhookAlerts("/hook", quiet));
        var incidents = (await (await _client.GetAsync("/api/v1/incidents")).AssertOkJsonAsync()).AsArray();
        Assert.False((bool)incidents.Single(i => (string?)i!["containerName"] == quiet)!["alerted"]!);

        var bad = await (await _client.PostJsonAsync("/api/v1/incidents/silences", new { container = quiet, duration = "forever" })).AssertProblemAsync(400);
        Assert.Equal("duration", (string?)bad["field"]);
        await (await _client.PostAsync("/api/v1/incidents/nosuchincident/acknowledge", null)).AssertProblemAsync(404);
    }
}
