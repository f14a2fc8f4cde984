using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DockerOps.Chat.Tests;

/// <summary>
/// A WebSocket server on loopback (Kestrel with UseWebSockets) that plays Discord's gateway or
/// Slack's Socket Mode: each connection is handed to the test, which scripts what is said.
/// </summary>
public sealed class FakeSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeSocket> _connections = Channel.CreateUnbounded<FakeSocket>();

    private FakeSocketServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<FakeSocketServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeSocketServer(app);
        app.UseWebSockets();
        app.Run(async http =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            var socket = new FakeSocket(ws, http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "");
            await server._connections.Writer.WriteAsync(socket);
            await socket.Done;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address.Replace("http://", "ws://", StringComparison.Ordinal);
        return server;
    }

    public async Task<FakeSocket> NextConnectionAsync(int seconds = 15)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await _connections.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>True when a connection arrives within the time (for checking that none does).</summary>
    public async Task<bool> AnyConnectionWithinAsync(TimeSpan time)
    {
        using var timeout = new CancellationTokenSource(time);
        try
        {
            await _connections.Reader.WaitToReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class FakeSocket
{
    private readonly WebSocket _ws;
    private readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeSocket(WebSocket ws, string path, string query)
    {
        _ws = ws;
        Path = path;
        Query = query;
        _ = ReceiveLoopAsync();
    }

    public string Path { get; }

    public string Query { get; }

    public Task Done => _done.Task;

    /// <summary>Gateway heartbeats (op 1) are acknowledged automatically while this is true.</summary>
    public bool AckHeartbeats { get; set; } = true;

    public int HeartbeatsSeen { get; private set; }

    public Task SendAsync(JsonObject message) =>
        _ws.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message the client sent, or null when it closed.</summary>
    public async Task<JsonObject?> ReceiveAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>The next gateway payload with this op, skipping others.</summary>
    public async Task<JsonObject> ReceiveOpAsync(int op, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var message = await ReceiveAsync(seconds);
            if (message is null)
                throw new InvalidOperationException($"The client closed while op {op} was awaited.");
            if ((int?)message["op"] == op)
                return message;
        }

        throw new TimeoutException($"No op {op} within {seconds} s.");
    }

    public async Task CloseAsync(int code)
    {
        try
        {
            await _ws.CloseOutputAsync((WebSocketCloseStatus)code, "test", CancellationToken.None);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                if ((int?)json["op"] == 1)
                {
                    HeartbeatsSeen++;
                    if (AckHeartbeats)
                        await SendAsync(new JsonObject { ["op"] = 11 });
                }

                await _received.Writer.WriteAsync(json);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
            _done.TrySetResult();
        }
    }
}
