using System.Net;
using System.Text.Json.Nodes;
using DockerOps.Chat.Discord;
using DockerOps.Core.Access;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Tests;

[Collection(nameof(ChatAppCollection))]
public sealed class DiscordEndToEndTests(ChatApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Ping_is_answered_with_pong_as_json()
    {
        var response = await app.DiscordAsync(new JsonObject { ["type"] = 1 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"type\":1}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("badhex")]
    [InlineData("short")]
    [InlineData("empty")]
    [InlineData("timestamp")]
    public async Task Any_signature_failure_is_401_never_500(string how)
    {
        var response = how switch
        {
            "tampered" => await app.DiscordAsync(new JsonObject { ["type"] = 1 }, s => (s[0] == 'a' ? "b" : "a") + s[1..]),
            "badhex" => await app.DiscordAsync(new JsonObject { ["type"] = 1 }, s => "zz" + s[2..]),
            "short" => await app.DiscordAsync(new JsonObject { ["type"] = 1 }, s => s[..64]),
            "empty" => await app.DiscordAsync(new JsonObject { ["type"] = 1 }, _ => ""),
            _ => await app.DiscordAsync(new JsonObject { ["type"] = 1 }, timestampOverride: "1"),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Restart_from_a_mapped_discord_role_is_deferred_then_the_original_is_edited_and_audited()
    {
        var name = ChatApp.UniqueName("dc-restart");
        await app.CreateContainerAsync(name);
        var before = (string?)(await app.InspectAsync(name))!["state"]!["startedAt"];
        var interaction = ChatApp.DiscordCommand("555000", "restart", new Dictionary<string, object> { ["container"] = name }, roles: ["900"]);

        var response = await app.DiscordAsync(interaction);

        var callback = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(5, (int)callback["type"]!);
        Assert.Null(callback["data"]!["flags"]);
        var edit = (await app.WaitForPostsAsync($"/discord/api/v10/webhooks/{ChatApp.DiscordApplicationId}/{interaction["token"]}/messages/@original", 1))[0];
        Assert.Equal($"✅ **<@555000> restarted `{name}`**", (string?)edit["content"]);
        var entry = app.Platforms.LogEntries.Last(e => e.RequestMessage.Path.EndsWith("/messages/@original", StringComparison.Ordinal));
        Assert.Equal("PATCH", entry.RequestMessage.Method);
        Assert.StartsWith("DiscordBot (", entry.RequestMessage.Headers!["User-Agent"].First());

        Assert.NotEqual(before, (string?)(await app.InspectAsync(name))!["state"]!["startedAt"]);
        var record = (await app.AuditRecordsAsync()).First(r => r.Action == "container.restart" && r.TargetName == name);
        Assert.Equal((Channel.Discord, "discord:555000", AuditOutcome.Ok), (record.Channel, record.ActorId, record.Outcome));
    }

    [Fact]
    public async Task Logs_are_deferred_privately_and_the_original_then_shows_the_tail()
    {
        var name = ChatApp.UniqueName("dc-logs");
        await app.CreateContainerAsync(name, command: ["sh", "-c", "echo first-line; echo hello-from-chat; sleep 3600"]);
        // The shell may not have written yet on a busy machine; the test is about the answer, not the race.
        for (var i = 0; i < 50 && !(await app.CreateClient().GetStringAsync($"/api/v1/containers/{name}/logs")).Contains("hello-from-chat", StringComparison.Ordinal); i++)
            await Task.Delay(100);
        var interaction = ChatApp.DiscordCommand("700", "logs", new Dictionary<string, object> { ["container"] = name, ["tail"] = 1 });

        var callback = JsonNode.Parse(await (await app.DiscordAsync(interaction)).Content.ReadAsStringAsync())!;

        Assert.Equal(5, (int)callback["type"]!);
        Assert.Equal(64, (int)callback["data"]!["flags"]!);
        var edit = (await app.WaitForPostsAsync($"/discord/api/v10/webhooks/{ChatApp.DiscordApplicationId}/{interaction["token"]}/messages/@original", 1))[0];
        Assert.Equal($"**Last 1 line(s) of `{name}`**", (string?)edit["content"]);
        var description = (string)edit["embeds"]![0]!["description"]!;
        Assert.Contains("hello-from-chat", description);
        Assert.DoesNotContain("first-line", description);
    }

    [Fact]
    public async Task An_unmapped_discord_user_is_refused_ephemerally()
    {
        var name = ChatApp.UniqueName("dc-stranger");
        await app.CreateContainerAsync(name);

        var response = await app.DiscordAsync(ChatApp.DiscordCommand("123", "restart", new Dictionary<string, object> { ["container"] = name }, roles: ["1"]));

        var callback = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(4, (int)callback["type"]!);
        Assert.Equal(64, (int)callback["data"]!["flags"]!);
        Assert.Equal("❌ **You are not mapped to a DockerOps role.**", (string?)callback["data"]!["content"]);
    }

    [Fact]
    public async Task Remove_asks_with_buttons_and_only_the_requesters_click_removes()
    {
        var name = ChatApp.UniqueName("dc-rm");
        await app.CreateContainerAsync(name, start: false);

        var prompt = JsonNode.Parse(await (await app.DiscordAsync(ChatApp.DiscordCommand("700", "rm", new Dictionary<string, object> { ["container"] = name }))).Content.ReadAsStringAsync())!;
        Assert.Equal(4, (int)prompt["type"]!);
        Assert.Equal(64, (int)prompt["data"]!["flags"]!);
        var button = prompt["data"]!["components"]![0]!["components"]![0]!;
        Assert.Equal((2, 4, "Confirm"), ((int)button["type"]!, (int)button["style"]!, (string)button["label"]!));
        var customId = (string)button["custom_id"]!;

        JsonObject Click(string userId) => new()
        {
            ["id"] = "9", ["type"] = 3, ["token"] = "click-" + Guid.NewGuid().ToString("N"), ["channel_id"] = "77",
            ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = userId }, ["roles"] = new JsonArray() },
            ["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 },
        };

        var other = JsonNode.Parse(await (await app.DiscordAsync(Click("701"))).Content.ReadAsStringAsync())!;
        Assert.Equal(4, (int)other["type"]!);
        Assert.Equal(64, (int)other["data"]!["flags"]!);
        Assert.Equal("❌ **Only <@700> can confirm or cancel this.**", (string?)other["data"]!["content"]);
        Assert.NotNull(await app.InspectAsync(name));

        var own = Click("700");
        var update = JsonNode.Parse(await (await app.DiscordAsync(own)).Content.ReadAsStringAsync())!;
        Assert.Equal(7, (int)update["type"]!);
        Assert.Empty(update["data"]!["components"]!.AsArray());
        var followUp = (await app.WaitForPostsAsync($"/discord/api/v10/webhooks/{ChatApp.DiscordApplicationId}/{own["token"]}", 1))[0];
        Assert.Equal($"✅ **<@700> removed `{name}`**", (string?)followUp["content"]);
        Assert.Null(await app.InspectAsync(name));
    }

    [Fact]
    public async Task Autocomplete_offers_only_containers_in_the_callers_scope()
    {
        var inside = ChatApp.UniqueName("dc-auto");
        var outside = ChatApp.UniqueName("dc-out");
        await app.CreateContainerAsync(inside);
        await app.CreateContainerAsync(outside);
        var interaction = ChatApp.DiscordCommand("702", "restart");
        interaction["type"] = 4;
        interaction["data"]!["options"]![0]!["options"] = new JsonArray { new JsonObject { ["name"] = "container", ["type"] = 3, ["value"] = "dc-", ["focused"] = true } };

        var answer = JsonNode.Parse(await (await app.DiscordAsync(interaction)).Content.ReadAsStringAsync())!;

        Assert.Equal(8, (int)answer["type"]!);
        var names = answer["data"]!["choices"]!.AsArray().Select(c => (string)c!["value"]!).ToList();
        Assert.Contains(inside, names);
        Assert.DoesNotContain(outside, names);
        Assert.All(names, n => Assert.StartsWith("dc-auto", n));
    }

    [Fact]
    public async Task Register_overwrites_the_docker_command_in_a_guild_with_every_verb()
    {
        var ran = await app.Services.RunChatCommandLineAsync(["discord", "register", "--guild", "4242"]);

        Assert.Equal(0, ran);
        var entry = app.Platforms.LogEntries.Last(e => e.RequestMessage.Path == $"/discord/api/v10/applications/{ChatApp.DiscordApplicationId}/guilds/4242/commands");
        Assert.Equal("PUT", entry.RequestMessage.Method);
        Assert.Equal("Bot discord-bot-token", entry.RequestMessage.Headers!["Authorization"].First());
        var command = JsonNode.Parse(entry.RequestMessage.Body!)![0]!;
        Assert.Equal("docker", (string?)command["name"]);
        var subcommands = command["options"]!.AsArray();
        Assert.Equal(25, subcommands.Count);
        var logs = subcommands.Single(s => (string?)s!["name"] == "logs")!;
        Assert.Equal(["container", "tail", "since"], logs["options"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.True((bool)logs["options"]![0]!["autocomplete"]!);
        Assert.Equal(4, (int)logs["options"]![1]!["type"]!);
    }

    [Fact]
    public async Task A_429_is_waited_out_for_retry_after_and_the_request_retried()
    {
        var token = "rate-" + Guid.NewGuid().ToString("N");
        var path = $"/discord/api/v10/webhooks/{ChatApp.DiscordApplicationId}/{token}";
        app.Platforms.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingPost()).InScenario(token).WillSetStateTo("limited")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(429).WithHeader("X-RateLimit-Remaining", "0")
                .WithBodyAsJson(new { message = "You are being rate limited.", retry_after = 0.4, global = false }));
        app.Platforms.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingPost()).InScenario(token).WhenStateIs("limited")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "2" }));
        var client = app.Services.GetRequiredService<DiscordRestClient>();

        var ok = await client.FollowUpAsync(token, new JsonObject { ["content"] = "hi" }, CancellationToken.None);

        Assert.True(ok);
        var times = app.Platforms.LogEntries.Where(e => e.RequestMessage.Path == path).Select(e => e.RequestMessage.DateTime).Order().ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(350), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
    }
}
