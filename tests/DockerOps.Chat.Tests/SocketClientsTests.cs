using System.Text.Json.Nodes;
using DockerOps.Chat.Discord;
using DockerOps.Chat.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace DockerOps.Chat.Tests;

/// <summary>The service with Discord in gateway mode and Slack in Socket Mode, both pointed at one fake socket server.</summary>
public sealed class SocketChatApp : ChatApp
{
    public SocketChatApp()
        : base(new Dictionary<string, string?> { ["Discord:Mode"] = "gateway", ["Slack:AppToken"] = "xapp-test" })
    {
    }

    public FakeSocketServer Sockets { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Sockets = await FakeSocketServer.StartAsync();
        Platforms.Given(Request.Create().WithPath("/discord/api/v10/gateway/bot").UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { url = Sockets.Url + "/gateway", shards = 1 }));
        Platforms.Given(Request.Create().WithPath("/slack/api/apps.connections.open").UsingPost())
            .RespondWith(Response.Create().WithBodyAsJson(new { ok = true, url = Sockets.Url + "/slack" }));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sockets.DisposeAsync();
    }

    /// <summary>The next connection to a path; Slack and Discord connect concurrently, so the other's are set aside.</summary>
    public async Task<FakeSocket> NextAsync(string path)
    {
        lock (_setAside)
        {
            var waiting = _setAside.FirstOrDefault(s => s.Path == path);
            if (waiting is not null)
            {
                _setAside.Remove(waiting);
                return waiting;
            }
        }

        while (true)
        {
            var socket = await Sockets.NextConnectionAsync();
            if (socket.Path == path)
                return socket;
            lock (_setAside)
                _setAside.Add(socket);
        }
    }

    private readonly List<FakeSocket> _setAside = [];
}

public sealed class SocketClientsTests(SocketChatApp app) : IClassFixture<SocketChatApp>
{
    [Fact]
    public async Task The_gateway_identifies_answers_an_interaction_over_http_resumes_after_a_forced_close_and_stops_on_a_fatal_code()
    {
        var gateway = await app.NextAsync("/gateway");
        Assert.Equal("?v=10&encoding=json", gateway.Query);
        await gateway.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = 400 } });
        var identify = await gateway.ReceiveOpAsync(2);
        Assert.Equal("discord-bot-token", (string?)identify["d"]!["token"]);
        Assert.Equal(0, (int)identify["d"]!["intents"]!);

        await gateway.SendAsync(new JsonObject
        {
            ["op"] = 0, ["t"] = "READY", ["s"] = 1,
            ["d"] = new JsonObject { ["session_id"] = "session-1", ["resume_gateway_url"] = app.Sockets.Url + "/resume" },
        });
        var interaction = ChatApp.DiscordCommand("700", "whoami");
        await gateway.SendAsync(new JsonObject { ["op"] = 0, ["t"] = "INTERACTION_CREATE", ["s"] = 2, ["d"] = interaction });
        var callback = (await app.WaitForPostsAsync($"/discord/api/v10/interactions/{interaction["id"]}/{interaction["token"]}/callback", 1))[0];
        Assert.Equal(4, (int)callback["type"]!);
        Assert.Equal("**You are <@700>: admin**", (string?)callback["data"]!["content"]);
        // Heartbeats carry the last sequence number seen (the first may predate READY).
        var beat = await gateway.ReceiveOpAsync(1);
        while ((int?)beat["d"] != 2)
            beat = await gateway.ReceiveOpAsync(1);
        Assert.Equal(2, (int?)beat["d"]);

        await gateway.CloseAsync(4000);
        var resumed = await app.NextAsync("/resume");
        await resumed.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = 400 } });
        var resume = await resumed.ReceiveOpAsync(6);
        Assert.Equal(("session-1", 2), ((string?)resume["d"]!["session_id"], (int)resume["d"]!["seq"]!));
        await resumed.SendAsync(new JsonObject { ["op"] = 0, ["t"] = "RESUMED", ["s"] = 3, ["d"] = new JsonObject() });

        // Op 7 asks for a reconnect: the client resumes from where it was.
        await resumed.SendAsync(new JsonObject { ["op"] = 7, ["d"] = null });
        var reconnected = await app.NextAsync("/resume");
        await reconnected.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = 400 } });
        Assert.Equal(3, (int)(await reconnected.ReceiveOpAsync(6))["d"]!["seq"]!);

        // A heartbeat that is never acknowledged means a dead connection: the client closes and resumes.
        reconnected.AckHeartbeats = false;
        var afterZombie = await app.NextAsync("/resume");
        Assert.True(reconnected.HeartbeatsSeen >= 1);
        await afterZombie.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = 400 } });
        Assert.Equal(3, (int)(await afterZombie.ReceiveOpAsync(6))["d"]!["seq"]!);

        await afterZombie.CloseAsync(4004);
        var client = app.Services.GetRequiredService<DiscordGatewayClient>();
        for (var i = 0; i < 50 && client.FatalCloseCode is null; i++)
            await Task.Delay(100);
        Assert.Equal(4004, client.FatalCloseCode);
        Assert.False(await app.Sockets.AnyConnectionWithinAsync(TimeSpan.FromSeconds(2.5)) && HasGatewayConnection());
        Assert.Equal(["READY", "INTERACTION_CREATE", "RESUMED"], client.Dispatches);
    }

    [Fact]
    public async Task Socket_mode_acknowledges_envelopes_with_the_answer_and_reconnects_on_disconnect()
    {
        var slack = await app.NextAsync("/slack");
        await slack.SendAsync(new JsonObject { ["type"] = "hello" });
        await slack.SendAsync(Envelope("env-1", "whoami"));
        var ack = (await slack.ReceiveAsync())!;
        Assert.Equal("env-1", (string?)ack["envelope_id"]);
        Assert.Equal("You are <@UOPERATOR>: operator", (string?)ack["payload"]!["text"]);

        await slack.SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested" });
        var again = await app.NextAsync("/slack");
        await again.SendAsync(Envelope("env-2", "ps --nope"));
        var second = (await again.ReceiveAsync())!;
        Assert.Equal("env-2", (string?)second["envelope_id"]);
        Assert.Equal("`ps` has no option `--nope`.", (string?)second["payload"]!["text"]);
        Assert.True(app.PostsTo("/slack/api/apps.connections.open") >= 2);
    }

    private bool HasGatewayConnection()
    {
        // A connection that did arrive may be Slack's; only a gateway one would be a wrong reconnect.
        try
        {
            var socket = app.Sockets.NextConnectionAsync(1).GetAwaiter().GetResult();
            return socket.Path is "/gateway" or "/resume";
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private JsonObject Envelope(string id, string text) => new()
    {
        ["envelope_id"] = id,
        ["type"] = "slash_commands",
        ["accepts_response_payload"] = true,
        ["payload"] = new JsonObject
        {
            ["user_id"] = "UOPERATOR", ["user_name"] = "op", ["channel_id"] = "C1", ["command"] = "/docker", ["text"] = text,
            ["response_url"] = app.Platforms.Url + "/slack/response/socket-" + id,
        },
    };
}
