using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace DockerOps.Api.Tests;

/// <summary>
/// The real service on Kestrel, on a free loopback port, driving the real test engine.
/// Settings can be overridden per fixture (for example to point at a misbehaving WireMock engine).
/// </summary>
public class DockerOpsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings;

    public DockerOpsApp()
        : this(new Dictionary<string, string?>())
    {
    }

    protected DockerOpsApp(IDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>(settings);
        _settings.TryAdd("Docker:Host", TestEngine.Host);
        // Each host keeps its incidents and jobs in its own folder, and watches only this run's containers.
        _settings.TryAdd("DOCKEROPS_DATA", Path.Combine(Path.GetTempPath(), "dockerops-tests", Guid.NewGuid().ToString("N")));
        // Fixtures that test the watch set their own scope; the others watch a scope nobody uses, so
        // that they never act on (auto-heal) containers that belong to other fixtures.
        _settings.TryAdd("Health:Label", $"{TestEngine.Label}.scope=unwatched-{Guid.NewGuid():N}");
        UseKestrel(0);
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }

    public virtual async Task InitializeAsync()
    {
        if (_settings["Docker:Host"] == TestEngine.Host)
            await TestEngine.EnsureReadyAsync();
        StartServer();
    }

    public new virtual Task DisposeAsync() => base.DisposeAsync().AsTask();
}

/// <summary>Small helpers that keep tests about behaviour rather than plumbing.</summary>
public static class HttpAssertions
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"Empty body with {(int)response.StatusCode}.");
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and returns its body.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(status, (int)body["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["title"]));
        Assert.DoesNotContain("   at ", text);
        return body;
    }

    public static async Task<JsonNode> AssertOkJsonAsync(this HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);
}
