namespace DockerOps.Api.Cli;

/// <summary>
/// <c>DockerOps.Api healthcheck</c>: asks the running service's <c>/healthz</c> and exits 0 or 1.
/// The container image runs this as its HEALTHCHECK, so it needs no curl or wget.
/// </summary>
public static class HealthProbeCommand
{
    public static bool Matches(string[] args) => args is ["healthcheck", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? Environment.GetEnvironmentVariable("URLS") ?? "http://127.0.0.1:5080";
        var listen = new Uri(urls.Split(';')[0].Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
        var target = new Uri(listen, "/healthz");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(target);
            await Console.Out.WriteLineAsync($"{target}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{target}: {ex.Message}");
            return 1;
        }
    }
}
