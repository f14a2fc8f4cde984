using System.Net.WebSockets;
using System.Text;

namespace DockerOps.Chat;

/// <summary>Whole text messages over a WebSocket: frames are read until EndOfMessage; sends are one at a time.</summary>
internal sealed class WebSocketText(WebSocket socket, int maxMessageBytes = 1 << 20)
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    public WebSocket Socket => socket;

    /// <summary>The next text message, or null when the socket closed.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(buffer, 0, result.Count);
            if (message.Length > maxMessageBytes)
                throw new WebSocketException(WebSocketError.Faulted, "A message was larger than any this client expects.");
            if (result.EndOfMessage)
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    public async Task CloseQuietlyAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing is best effort: the connection is being replaced either way.
        }
    }
}
