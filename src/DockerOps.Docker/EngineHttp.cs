using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DockerOps.Docker;

/// <summary>
/// Plain HTTP to the engine, on the same endpoint as the Docker.DotNet client: for the calls
/// Docker.DotNet 3.125 does not wrap (<c>/system/df</c>, <c>/build/prune</c>) and for the hot
/// container list, which is read straight into source-generated types. Errors go through <see cref="EngineCalls"/>.
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
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A GET whose answer is deserialized as it streams in, with no intermediate string or document.</summary>
    public async Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(answer, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The engine answered null.");
    }

    // The same exception Docker.DotNet throws, so that EngineCalls maps both paths' refusals alike.
    private static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw new global::Docker.DotNet.DockerApiException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _http.Dispose();
}
