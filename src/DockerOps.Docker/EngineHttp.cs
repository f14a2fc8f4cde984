using System.Net.Sockets;
using System.Text.Json;

namespace DockerOps.Docker;

/// <summary>
/// Plain HTTP to the engine for the calls Docker.DotNet 3.125 does not wrap (<c>/system/df</c>,
/// <c>/build/prune</c>). Same endpoint as the client; errors go through <see cref="EngineCalls"/>.
/// </summary>
internal sealed class EngineHttp : IDisposable
{
    private readonly HttpClient _http;

    public EngineHttp(Uri host)
    {
        if (host.Scheme == "unix")
        {
            var path = host.LocalPath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://engine/"), Timeout = Timeout.InfiniteTimeSpan };
        }
        else
        {
            var address = host.Scheme == "tcp" ? new UriBuilder(host) { Scheme = "http" }.Uri : host;
            _http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        }
    }

    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new global::Docker.DotNet.DockerApiException(response.StatusCode, body);
        return JsonDocument.Parse(body);
    }

    public void Dispose() => _http.Dispose();
}
