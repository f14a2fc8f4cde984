using System.Net;
using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Testing;

namespace DockerOps.Chat.Tests;

[Collection(nameof(ChatAppCollection))]
public sealed class SlackEndToEndTests(ChatApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Restart_from_a_mapped_operator_restarts_the_container_and_is_audited_as_slack()
    {
        var name = ChatApp.UniqueName("slack-restart");
        await app.CreateContainerAsync(name);
        var before = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];

        var (response, path) = await app.SlashAsync("UOPERATOR", $"restart {name}");

        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ephemeral", (string?)ack["response_type"]);
        Assert.Equal("Working on `restart`…", (string?)ack["text"]);
        var result = (await app.WaitForPostsAsync(path, 1))[0];
        Assert.Equal("in_channel", (string?)result["response_type"]);
        Assert.Equal($"<@UOPERATOR> restarted `{name}`", (string?)result["text"]);
        Assert.Contains("Now running.", (string?)result["blocks"]![0]!["text"]!["text"]);

        var after = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];
        Assert.NotEqual(before, after);
        var record = (await app.AuditRecordsAsync()).First(r => r.Action == "container.restart" && r.TargetName == name);
        Assert.Equal((Channel.Slack, "slack:UOPERATOR", AuditOutcome.Ok), (record.Channel, record.ActorId, record.Outcome));
    }

    [Fact]
    public async Task Restart_from_an_unmapped_user_is_refused_and_nothing_happens()
    {
        var name = ChatApp.UniqueName("slack-stranger");
        await app.CreateContainerAsync(name);
        var before = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];

        var (response, path) = await app.SlashAsync("USTRANGER", $"restart {name}");

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", (string?)body["response_type"]);
        Assert.Equal("You are not mapped to a DockerOps role.", (string?)body["text"]);
        await Task.Delay(300);
        Assert.Equal(0, app.PostsTo(path));
        Assert.Equal(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);
        Assert.DoesNotContain(await app.AuditRecordsAsync(), r => r.TargetName == name && r.Action == "container.restart");
    }

    [Fact]
    public async Task Remove_needs_the_confirming_click_of_the_same_user()
    {
        var name = ChatApp.UniqueName("slack-rm");
        await app.CreateContainerAsync(name, start: false);

        var (response, _) = await app.SlashAsync("UADMIN", $"rm {name}");
        var prompt = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"Remove `{name}`?", (string?)prompt["text"]);
        var buttons = prompt["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        var confirm = (string)buttons.Single(b => (string?)b!["text"]!["text"] == "Confirm")!["action_id"]!;
        Assert.Equal("danger", (string?)buttons[0]!["style"]);

        var (otherClick, otherPath) = await app.ClickAsync("UADMIN2", confirm);
        Assert.Equal(HttpStatusCode.OK, otherClick.StatusCode);
        var refusal = (await app.WaitForPostsAsync(otherPath, 1))[0];
        Assert.Equal("Only <@UADMIN> can confirm or cancel this.", (string?)refusal["text"]);
        Assert.False((bool)refusal["replace_original"]!);
        Assert.NotNull(await app.InspectAsync(name));

        var (_, ownPath) = await app.ClickAsync("UADMIN", confirm);
        var posts = await app.WaitForPostsAsync(ownPath, 2);
        Assert.True((bool)posts[0]["replace_original"]!);
        Assert.Equal($"<@UADMIN> removed `{name}`", (string?)posts[1]["text"]);
        Assert.Equal("in_channel", (string?)posts[1]["response_type"]);
        Assert.Null(await app.InspectAsync(name));
        Assert.Contains(await app.AuditRecordsAsync(), r => r.Action == "container.remove" && r.TargetName == name && r.ActorId == "slack:UADMIN" && r.Channel == Channel.Slack);
    }

    [Fact]
    public async Task Quick_reads_are_answered_inline_and_privately()
    {
        var name = ChatApp.UniqueName("slack-ps");
        await app.CreateContainerAsync(name);

        var (response, _) = await app.SlashAsync("UOPERATOR", $"status {name}");

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", (string?)body["response_type"]);
        Assert.Equal($"`{name}` is running", (string?)body["text"]);

        // And it is counted, by platform, verb and outcome.
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.AdminKey);
        var metrics = await admin.GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("dockerops_chat_commands_total{", StringComparison.Ordinal)
            && line.Contains("platform=\"slack\"") && line.Contains("verb=\"status\"") && line.Contains("outcome=\"info\""));
    }

    [Fact]
    public async Task Unsigned_tampered_expired_and_replayed_requests_get_401()
    {
        var client = app.CreateClient();
        var unsigned = await client.PostAsync("/chat/slack/commands", new StringContent("user_id=UADMIN&text=ps", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        var (expired, _) = await app.SlashAsync("UADMIN", "ps", DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);

        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = "user_id=UADMIN&channel_id=C1&text=ps";
        var signature = DockerOps.Chat.Slack.SlackSignatureVerifier.Sign(ChatApp.SigningSecret, ts, System.Text.Encoding.UTF8.GetBytes(body));
        async Task<HttpStatusCode> Send(string content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/slack/commands") { Content = new StringContent(content, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", signature);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Send(body.Replace("ps", "rm")));
        Assert.Equal(HttpStatusCode.OK, await Send(body));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(body));
    }
}

[CollectionDefinition(nameof(ChatAppCollection))]
public sealed class ChatAppCollection : ICollectionFixture<ChatApp>;
