using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Jobs.Storage;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Tests;

/// <summary>
/// The health watch's alerts, delivered the one way alerts go (the Hangfire job and its ledger) to the
/// Slack and Discord bots' channels, carry Restart / Logs / Acknowledge buttons; a click runs the same
/// use case as typing the command, as the person who clicked.
/// </summary>
[Collection(nameof(ChatAppCollection))]
public sealed class AlertButtonTests(ChatApp app) : IAsyncLifetime
{
    private const string SlackAlerts = "/slack/api/chat.postMessage";
    private const string DiscordAlerts = "/discord/api/v10/channels/8800/messages";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync(app.Scope);

    [Fact]
    public async Task A_slack_alert_carries_buttons_once_and_acknowledge_by_an_operator_acknowledges_while_restart_by_others_is_refused()
    {
        var (name, before, id) = await UnhealthyContainerAsync("alert-sl");

        var alert = (await app.WaitForPostsAboutAsync(SlackAlerts, name))[0];
        Assert.Equal("CALERTS", (string?)alert["channel"]);
        Assert.StartsWith($"{name} is unhealthy", (string?)alert["text"]);
        var entry = app.Platforms.LogEntries.First(e => e.RequestMessage.Path == SlackAlerts && e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal));
        Assert.Equal("Bearer xoxb-test", entry.RequestMessage.Headers!["Authorization"].First());
        var buttons = alert["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.Equal(["Restart", "Logs", "Acknowledge"], buttons.Select(b => (string)b!["text"]!["text"]!));
        Assert.Equal([$"dockerops:run:restart:{name}", $"dockerops:run:logs:{name}", $"dockerops:run:ack:{id}"], buttons.Select(b => (string)b!["action_id"]!));

        var (_, strangerPath) = await app.ClickAsync("USTRANGER", (string)buttons[0]!["action_id"]!);
        Assert.Equal("You are not mapped to a DockerOps role.", (string?)(await app.WaitForPostsAsync(strangerPath, 1))[0]["text"]);
        var (_, viewerPath) = await app.ClickAsync("UVIEWER", (string)buttons[0]!["action_id"]!);
        var viewerAnswer = (await app.WaitForPostsAsync(viewerPath, 1))[0];
        Assert.Equal(("Not allowed.", "ephemeral"), ((string?)viewerAnswer["text"], (string?)viewerAnswer["response_type"]));
        Assert.Equal(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r is { Action: "chat.restart", ActorId: "slack:UVIEWER", Outcome: AuditOutcome.Denied, Channel: Channel.Slack });

        var (_, ackPath) = await app.ClickAsync("UOPERATOR", (string)buttons[2]!["action_id"]!);
        var acked = (await app.WaitForPostsAsync(ackPath, 1))[0];
        Assert.Equal(($"<@UOPERATOR> acknowledged incident `{id}`", "in_channel"), ((string?)acked["text"], (string?)acked["response_type"]));
        Assert.False((bool)acked["replace_original"]!);
        Assert.Equal("uoperator", (string?)(await app.IncidentAsync(id))["acknowledgedBy"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r is { Action: "incident.acknowledge", ActorId: "slack:UOPERATOR", Outcome: AuditOutcome.Ok, Channel: Channel.Slack } && r.TargetName == name);

        // One delivery path, exactly once: the immediate attempt and the Hangfire job share the ledger.
        Assert.True(app.Services.GetRequiredService<DeliveryLedger>().IsDelivered($"{id}:opened/slack-bot"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await app.WaitForPostsAboutAsync(SlackAlerts, name));
    }

    [Fact]
    public async Task A_discord_alert_is_a_bot_message_with_buttons_and_a_click_is_checked_against_the_clickers_role()
    {
        var (name, before, id) = await UnhealthyContainerAsync("alert-dc");

        var alert = (await app.WaitForPostsAboutAsync(DiscordAlerts, name))[0];
        var entry = app.Platforms.LogEntries.First(e => e.RequestMessage.Path == DiscordAlerts && e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal));
        Assert.Equal("Bot discord-bot-token", entry.RequestMessage.Headers!["Authorization"].First());
        Assert.Contains($"{name} is unhealthy", (string?)alert["embeds"]![0]!["title"]);
        var buttons = alert["components"]![0]!["components"]!.AsArray();
        Assert.Equal([(1, "Restart"), (2, "Logs"), (2, "Acknowledge")], buttons.Select(b => ((int)b!["style"]!, (string)b["label"]!)));

        var strangerClick = await ClickAsync("123", [], (string)buttons[0]!["custom_id"]!);
        Assert.Equal((4, 64), ((int)strangerClick.Answer["type"]!, (int)strangerClick.Answer["data"]!["flags"]!));
        Assert.Equal("❌ **You are not mapped to a DockerOps role.**", (string?)strangerClick.Answer["data"]!["content"]);

        var viewerClick = await ClickAsync("703", [], (string)buttons[0]!["custom_id"]!);
        Assert.Equal((5, 64), ((int)viewerClick.Answer["type"]!, (int)viewerClick.Answer["data"]!["flags"]!));
        var refusal = (await app.WaitForPostsAsync(viewerClick.OriginalPath, 1))[0];
        Assert.Equal("❌ **Not allowed.**", (string?)refusal["content"]);
        Assert.Equal(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);

        var ackClick = await ClickAsync("555002", ["900"], (string)buttons[2]!["custom_id"]!);
        Assert.Equal(5, (int)ackClick.Answer["type"]!);
        var acked = (await app.WaitForPostsAsync(ackClick.OriginalPath, 1))[0];
        Assert.Equal($"✅ **<@555002> acknowledged incident `{id}`**", (string?)acked["content"]);
        Assert.Equal("user555002", (string?)(await app.IncidentAsync(id))["acknowledgedBy"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r is { Action: "incident.acknowledge", ActorId: "discord:555002", Outcome: AuditOutcome.Ok, Channel: Channel.Discord } && r.TargetName == name);

        var restartClick = await ClickAsync("555002", ["900"], (string)buttons[0]!["custom_id"]!);
        Assert.Equal($"✅ **<@555002> restarted `{name}`**", (string?)(await app.WaitForPostsAsync(restartClick.OriginalPath, 1))[0]["content"]);
        Assert.NotEqual(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r is { Action: "container.restart", ActorId: "discord:555002", Outcome: AuditOutcome.Ok, Channel: Channel.Discord } && r.TargetName == name);
    }

    /// <summary>A container the health watch finds unhealthy: its name, when it started, and its incident's id.</summary>
    private async Task<(string Name, string? StartedAt, string IncidentId)> UnhealthyContainerAsync(string prefix)
    {
        var name = ChatApp.UniqueName(prefix);
        await app.CreateFailingContainerAsync(name);
        var startedAt = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];
        return (name, startedAt, (string)(await app.WaitForIncidentAsync(name))["id"]!);
    }

    /// <summary>A signed button click on the alert message; returns the callback and where the deferred answer will be edited in.</summary>
    private async Task<(JsonNode Answer, string OriginalPath)> ClickAsync(string userId, string[] roles, string customId)
    {
        var token = "alert-click-" + Guid.NewGuid().ToString("N");
        var click = new JsonObject
        {
            ["id"] = "9" + Random.Shared.NextInt64(100000000, 999999999), ["type"] = 3, ["token"] = token, ["channel_id"] = "8800", ["guild_id"] = "42",
            ["member"] = new JsonObject
            {
                ["user"] = new JsonObject { ["id"] = userId, ["username"] = "user" + userId },
                ["roles"] = new JsonArray(roles.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            },
            ["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 },
        };
        var answer = JsonNode.Parse(await (await app.DiscordAsync(click)).Content.ReadAsStringAsync())!;
        return (answer, $"/discord/api/v10/webhooks/{ChatApp.DiscordApplicationId}/{token}/messages/@original");
    }
}
