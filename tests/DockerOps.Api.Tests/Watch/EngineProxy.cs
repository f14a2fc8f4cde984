using System.Net;
using System.Net.Sockets;

namespace DockerOps.Api.Tests.Watch;

/// <summary>
/// A TCP front for the engine's unix socket that a test can cut and restore, to show what the
/// health watch does while it is disconnected from the engine and after it reconnects.
/// </summary>
public sealed class EngineProxy : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<(TcpClient Client, Socket Engine)> _open = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _cut;

    public EngineProxy(string socketPath)
    {
        _socketPath = socketPath;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Host => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Drops every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_lock)
        {
            foreach (var (client, engine) in _open)
            {
                client.Dispose();
                engine.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            if (_cut)
            {
                client.Dispose();
                continue;
            }

            var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath));
            }
            catch (SocketException)
            {
                client.Dispose();
                engine.Dispose();
                continue;
            }

            lock (_lock)
                _open.Add((client, engine));
            var clientStream = client.GetStream();
            var engineStream = new NetworkStream(engine, ownsSocket: false);
            _ = PumpAsync(clientStream, engineStream, client, engine);
            _ = PumpAsync(engineStream, clientStream, client, engine);
        }
    }

    private async Task PumpAsync(Stream from, Stream to, TcpClient client, Socket engine)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception)
        {
        }
        finally
        {
            client.Dispose();
            engine.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
