using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Tests;

[Collection(nameof(ChatAppCollection))]
public sealed class AlertButtonTests(ChatApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task An_alerts_restart_button_runs_as_the_clicker_and_is_permission_checked()
    {
        var name = ChatApp.UniqueName("alert");
        await app.CreateContainerAsync(name);
        var before = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];
        var alerts = app.Services.GetRequiredService<ChatAlerts>();

        await alerts.PostAsync(ChatAlerts.ContainerAlert(name, $"{name} is unhealthy", ["3 failed probes"], incidentId: "inc-7"), CancellationToken.None);

        var slackAlert = (await app.WaitForPostsAsync("/slack/api/chat.postMessage", 1)).Last(p => ((string?)p["text"])!.Contains(name, StringComparison.Ordinal));
        Assert.Equal("CALERTS", (string?)slackAlert["channel"]);
        var buttons = slackAlert["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.Equal(["Restart", "Logs", "Acknowledge"], buttons.Select(b => (string)b!["text"]!["text"]!));
        var discordAlert = (await app.WaitForPostsAsync("/discord/api/v10/channels/8800/messages", 1)).Last();
        Assert.Equal(3, discordAlert["components"]![0]!["components"]!.AsArray().Count);

        var restart = (string)buttons[0]!["action_id"]!;
        var (_, strangerPath) = await app.ClickAsync("USTRANGER", restart);
        Assert.Equal("You are not mapped to a DockerOps role.", (string?)(await app.WaitForPostsAsync(strangerPath, 1))[0]["text"]);
        Assert.Equal(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);

        var (_, operatorPath) = await app.ClickAsync("UOPERATOR", restart);
        var result = (await app.WaitForPostsAsync(operatorPath, 1))[0];
        Assert.Equal($"<@UOPERATOR> restarted `{name}`", (string?)result["text"]);
        Assert.False((bool)result["replace_original"]!);
        Assert.NotEqual(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);
        Assert.Contains(await app.AuditRecordsAsync(), r => r.Action == "container.restart" && r.TargetName == name && r.ActorId == "slack:UOPERATOR" && r.Channel == Channel.Slack);

        var (_, ackPath) = await app.ClickAsync("UOPERATOR", (string)buttons[2]!["action_id"]!);
        Assert.Equal("`ack` is not available in this build.", (string?)(await app.WaitForPostsAsync(ackPath, 1))[0]["text"]);
    }
}
