using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Testing;

namespace DockerOps.Chat.Tests;

/// <summary>
/// incidents, ack, silence, jobs and run from Slack and Discord, through the use cases behind
/// /api/v1/incidents and /api/v1/jobs, against the real engine and the real health watch.
/// </summary>
[Collection(nameof(ChatAppCollection))]
public sealed class IncidentAndJobCommandsTests(ChatApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync(app.Scope);

    [Fact]
    public async Task From_slack_an_unhealthy_containers_incident_is_listed_acknowledged_and_its_container_silenced()
    {
        var name = ChatApp.UniqueName("slack-sick");
        await app.CreateFailingContainerAsync(name);
        var id = (string)(await app.WaitForIncidentAsync(name))["id"]!;

        var listed = await SlackJsonAsync("UVIEWER", "incidents");
        Assert.Equal("ephemeral", (string?)listed["response_type"]);
        Assert.Matches(@"^\d+ open incident\(s\)", (string?)listed["text"]);
        Assert.Matches($@"{id} +{name} +unhealthy +\d{{4}}-\d\d-\d\d \d\d:\d\d +-", listed.Plain());

        var refused = await SlackJsonAsync("UVIEWER", $"ack {id}");
        Assert.Equal(("ephemeral", "Not allowed."), ((string?)refused["response_type"], (string?)refused["text"]));
        Assert.Null((string?)(await app.IncidentAsync(id))["acknowledgedBy"]);

        var acked = await SlackJsonAsync("UOPERATOR", $"ack {id}");
        Assert.Equal(("in_channel", $"<@UOPERATOR> acknowledged incident `{id}`"), ((string?)acked["response_type"], (string?)acked["text"]));
        Assert.Contains($"`{name}` is unhealthy.", acked.Plain());
        Assert.Equal("uoperator", (string?)(await app.IncidentAsync(id))["acknowledgedBy"]);
        var again = await SlackJsonAsync("UADMIN", $"ack {id}");
        Assert.Equal($"Incident `{id}` was already acknowledged by uoperator.", (string?)again["text"]);

        var silenced = await SlackJsonAsync("UOPERATOR", $"silence {name} 30m");
        Assert.Equal(("in_channel", $"<@UOPERATOR> silenced alerts for `{name}` for 30m"), ((string?)silenced["response_type"], (string?)silenced["text"]));
        var silences = JsonNode.Parse(await app.CreateClient().GetStringAsync("/api/v1/incidents/silences"))!.AsArray();
        var silence = silences.Single(s => (string?)s!["container"] == name)!;
        Assert.Equal(("silence", "uoperator"), ((string?)silence["kind"], (string?)silence["createdBy"]));
        Assert.Contains($"Silence `{(string)silence["id"]!}`", silenced.Plain());

        var audit = await app.AuditRecordsAsync();
        Assert.Contains(audit, r => r is { Action: "incident.acknowledge", Channel: Channel.Slack, ActorId: "slack:UOPERATOR", Outcome: AuditOutcome.Ok } && r.TargetName == name);
        Assert.Contains(audit, r => r is { Action: "incident.silence", Channel: Channel.Slack, ActorId: "slack:UOPERATOR", Outcome: AuditOutcome.Ok } && r.TargetName == name);
        Assert.Contains(audit, r => r is { Action: "chat.ack", Channel: Channel.Slack, ActorId: "slack:UVIEWER", Outcome: AuditOutcome.Denied });

        var unknown = await SlackJsonAsync("UOPERATOR", "ack 0000nosuchincident");
        Assert.Equal("Not found.", (string?)unknown["text"]);
        Assert.Contains("No incident has the id '0000nosuchincident'.", unknown.Plain());
        var outOfReach = await SlackJsonAsync("UOPERATOR", "silence no-such-container-here 30m");
        Assert.Equal("Not found.", (string?)outOfReach["text"]);
        var badDuration = await SlackJsonAsync("UOPERATOR", $"silence {name} forever");
        Assert.Contains("Usage: `/docker silence &lt;container&gt; &lt;duration&gt;`", badDuration.Plain());
    }

    [Fact]
    public async Task From_discord_incidents_are_listed_privately_a_viewer_cannot_acknowledge_and_an_operator_acknowledges_and_silences()
    {
        var name = ChatApp.UniqueName("dc-sick");
        await app.CreateFailingContainerAsync(name);
        var id = (string)(await app.WaitForIncidentAsync(name))["id"]!;

        var listed = await DiscordJsonAsync(ChatApp.DiscordCommand("703", "incidents"));
        Assert.Equal((4, 64), ((int)listed["type"]!, (int)listed["data"]!["flags"]!));
        Assert.Matches(@"^\*\*\d+ open incident\(s\)", (string?)listed["data"]!["content"]);
        Assert.Contains(id, (string?)listed["data"]!["embeds"]![0]!["description"]);

        var refused = await DiscordJsonAsync(ChatApp.DiscordCommand("703", "ack", new Dictionary<string, object> { ["incident"] = id }));
        Assert.Equal((64, "❌ **Not allowed.**"), ((int)refused["data"]!["flags"]!, (string?)refused["data"]!["content"]));

        var acked = await DiscordJsonAsync(ChatApp.DiscordCommand("555001", "ack", new Dictionary<string, object> { ["incident"] = id }, roles: ["900"]));
        Assert.Equal(4, (int)acked["type"]!);
        Assert.Null(acked["data"]!["flags"]);
        Assert.Equal($"✅ **<@555001> acknowledged incident `{id}`**", (string?)acked["data"]!["content"]);
        Assert.Equal("user555001", (string?)(await app.IncidentAsync(id))["acknowledgedBy"]);

        var silenced = await DiscordJsonAsync(ChatApp.DiscordCommand("555001", "silence", new Dictionary<string, object> { ["container"] = name, ["duration"] = "2h" }, roles: ["900"]));
        Assert.Equal($"✅ **<@555001> silenced alerts for `{name}` for 2h**", (string?)silenced["data"]!["content"]);
        var badDuration = await DiscordJsonAsync(ChatApp.DiscordCommand("555001", "silence", new Dictionary<string, object> { ["container"] = name, ["duration"] = "soon" }, roles: ["900"]));
        Assert.Equal(64, (int)badDuration["data"]!["flags"]!);
        Assert.Contains("Usage: `/docker silence <container> <duration>`", badDuration.Plain());

        var audit = await app.AuditRecordsAsync();
        Assert.Contains(audit, r => r is { Action: "incident.acknowledge", Channel: Channel.Discord, ActorId: "discord:555001", Outcome: AuditOutcome.Ok } && r.TargetName == name);
        Assert.Contains(audit, r => r is { Action: "incident.silence", Channel: Channel.Discord, ActorId: "discord:555001", Outcome: AuditOutcome.Ok } && r.TargetName == name);
    }

    [Fact]
    public async Task From_slack_jobs_are_listed_with_schedule_and_last_run_an_admin_runs_one_and_a_viewer_is_refused()
    {
        var listed = await SlackJsonAsync("UVIEWER", "jobs");
        Assert.Equal("ephemeral", (string?)listed["response_type"]);
        Assert.Matches(@"^\d+ job\(s\), \d+ enabled$", (string?)listed["text"]);
        Assert.Matches(@"incidents-cleanup +17 3 \* \* \*", listed.Plain());
        Assert.Matches(@"prune-images +off", listed.Plain());

        var refused = await SlackJsonAsync("UVIEWER", "run incidents-cleanup");
        Assert.Equal(("ephemeral", "Not allowed."), ((string?)refused["response_type"], (string?)refused["text"]));

        var ran = await SlackJsonAsync("UADMIN", "run incidents-cleanup");
        Assert.Equal(("in_channel", "<@UADMIN> started job `incidents-cleanup`"), ((string?)ran["response_type"], (string?)ran["text"]));
        var audit = await app.AuditRecordsAsync();
        Assert.Contains(audit, r => r is { Action: "job.run", Channel: Channel.Slack, ActorId: "slack:UADMIN", Outcome: AuditOutcome.Ok, TargetName: "incidents-cleanup" });
        Assert.DoesNotContain(audit, r => r is { Action: "job.run", ActorId: "slack:UVIEWER" });

        // The run shows up in the list: when it ran and how it went.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string text;
        while (!System.Text.RegularExpressions.Regex.IsMatch(text = (await SlackJsonAsync("UVIEWER", "jobs")).Plain(), @"incidents-cleanup +17 3 \* \* \* +\d{4}-\d\d-\d\d \d\d:\d\d +succeeded"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run never showed as succeeded: {text}");
            await Task.Delay(250);
        }

        var unknown = await SlackJsonAsync("UADMIN", "run no-such-job");
        Assert.Equal("Not found.", (string?)unknown["text"]);
        Assert.Contains("No recurring job is named 'no-such-job'.", unknown.Plain());
        var usage = await SlackJsonAsync("UADMIN", "run");
        // Slack escapes angle brackets in text.
        Assert.Contains("Usage: `/docker run &lt;job&gt;`", usage.Plain());
    }

    [Fact]
    public async Task From_discord_jobs_are_listed_privately_an_admin_runs_one_and_a_viewer_is_refused()
    {
        var listed = await DiscordJsonAsync(ChatApp.DiscordCommand("703", "jobs"));
        Assert.Equal((4, 64), ((int)listed["type"]!, (int)listed["data"]!["flags"]!));
        Assert.Matches(@"^\*\*\d+ job\(s\), \d+ enabled\*\*$", (string?)listed["data"]!["content"]);
        Assert.Contains("health-reconcile", (string?)listed["data"]!["embeds"]![0]!["description"]);

        var refused = await DiscordJsonAsync(ChatApp.DiscordCommand("703", "run", new Dictionary<string, object> { ["job"] = "incidents-cleanup" }));
        Assert.Equal((64, "❌ **Not allowed.**"), ((int)refused["data"]!["flags"]!, (string?)refused["data"]!["content"]));

        var ran = await DiscordJsonAsync(ChatApp.DiscordCommand("700", "run", new Dictionary<string, object> { ["job"] = "incidents-cleanup" }));
        Assert.Equal(4, (int)ran["type"]!);
        Assert.Null(ran["data"]!["flags"]);
        Assert.Equal("✅ **<@700> started job `incidents-cleanup`**", (string?)ran["data"]!["content"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r is { Action: "job.run", Channel: Channel.Discord, ActorId: "discord:700", Outcome: AuditOutcome.Ok });
    }

    private async Task<JsonNode> SlackJsonAsync(string userId, string text)
    {
        var (response, _) = await app.SlashAsync(userId, text);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> DiscordJsonAsync(JsonObject interaction) =>
        JsonNode.Parse(await (await app.DiscordAsync(interaction)).Content.ReadAsStringAsync())!;
}

internal static class JsonText
{
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON with backticks, apostrophes and emoji left as they are, so that asserts read like the message.</summary>
    public static string Plain(this JsonNode node) => node.ToJsonString(Readable);
}
