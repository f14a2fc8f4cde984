using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Api.Tests.Contract;
using DockerOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Api.Tests;

/// <summary>
/// The real service on Kestrel, on a free loopback port, driving the real test engine.
/// Settings can be overridden per fixture (for example to point at a misbehaving WireMock engine).
/// Each instance has its own data folder (deleted on dispose) and seeds an admin key through
/// DOCKEROPS_ADMIN_KEY; <c>CreateClient()</c> sends that key, so tests that are not about access
/// control need not think about it. <see cref="CreateClientWithRole"/> makes keys for the rest.
/// </summary>
public class DockerOpsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataFolder;
    private readonly List<string> _foldersToDelete = [];

    public DockerOpsApp()
        : this(new Dictionary<string, string?>())
    {
    }

    protected DockerOpsApp(IDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>(settings);
        _settings.TryAdd("Docker:Host", TestEngine.Host);
        if (!_settings.ContainsKey("DOCKEROPS_DATA"))
        {
            _settings["DOCKEROPS_DATA"] = Directory.CreateTempSubdirectory("dockerops-test-data-").FullName;
            _ownsDataFolder = true;
        }

        DataFolder = _settings["DOCKEROPS_DATA"]!;
        if (!_settings.ContainsKey("DOCKEROPS_ADMIN_KEY_FILE"))
            _settings.TryAdd("DOCKEROPS_ADMIN_KEY", ApiKeySecrets.Generate().Key);
        AdminKey = _settings.GetValueOrDefault("DOCKEROPS_ADMIN_KEY");
        // Fixtures that test the watch set their own scope; the others watch a scope nobody uses, so
        // that they never act on (auto-heal) containers that belong to other fixtures.
        _settings.TryAdd("Health:Label", $"{TestEngine.Label}.scope=unwatched-{Guid.NewGuid():N}");
        // The engine is shared: scheduled prunes stay off and, when a test runs one, touch only this run's objects.
        foreach (var pruneJob in DockerOps.Jobs.Scheduling.PruneJobs.Kinds.Keys)
        {
            _settings.TryAdd($"Jobs:Recurring:{pruneJob}:Enabled", "false");
            _settings.TryAdd($"Jobs:Recurring:{pruneJob}:Options:labels", $"{TestEngine.Label}={TestEngine.RunId}");
        }

        // Tests fire requests faster than any person; the rate-limit tests set their own budget.
        _settings.TryAdd("Limits:RateTokenLimit", "100000");
        _settings.TryAdd("Limits:RateTokensPerPeriod", "100000");
        // The address comes from Urls (127.0.0.1:0): naming a port here as well races the server start.
        UseKestrel();
    }

    /// <summary>This instance's data folder (keys.db, audit.db).</summary>
    public string DataFolder { get; }

    /// <summary>The bootstrap admin key the default client sends (null when a subclass seeds it differently).</summary>
    public string? AdminKey { get; }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(ConfigureTestServices);
    }

    /// <summary>Replaces services for one fixture (for example a fake clock).</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    /// <summary>Every client made by <c>CreateClient()</c> carries the admin key.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (AdminKey is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    /// <summary>A client that sends no key at all.</summary>
    public HttpClient CreateAnonymousClient() => CreateClientWithKey(null);

    /// <summary>A client that sends the given key (or none), as a bearer token.</summary>
    public HttpClient CreateClientWithKey(string? key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a key with this role and scope (straight through Core) and a client that sends it.</summary>
    public async Task<HttpClient> CreateClientWithRole(Role role, AccessScope? scope = null) =>
        CreateClientWithKey(await CreateKeyAsync(role, scope));

    public async Task<string> CreateKeyAsync(Role role, AccessScope? scope = null, string? name = null)
    {
        var keys = Services.GetRequiredService<ApiKeyService>();
        var admin = new Actor("test-fixture", "test fixture", Channel.Cli, Role.Admin, AccessScope.Unrestricted);
        var created = await keys.CreateAsync(admin, new NewApiKey(name ?? $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20], role.ToString(), scope, null), CancellationToken.None);
        return created.IsOk ? created.Value.Key : throw new InvalidOperationException(created.Error!.Detail);
    }

    public virtual async Task InitializeAsync()
    {
        if (_settings["Docker:Host"] == TestEngine.Host)
            await TestEngine.EnsureReadyAsync();
        StartServer();
    }

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteOwnedFolders();
    }

    /// <summary>Tests that only construct the host (to see it refuse to start) dispose it synchronously.</summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            DeleteOwnedFolders();
    }

    /// <summary>A folder this fixture made for itself (a certificate, a bind source), deleted with it.</summary>
    protected void DeleteOnDispose(string folder) => _foldersToDelete.Add(folder);

    protected string? Setting(string key) => _settings.GetValueOrDefault(key);

    private void DeleteOwnedFolders()
    {
        if (_ownsDataFolder)
            _foldersToDelete.Add(DataFolder);
        SqliteConnection.ClearAllPools();
        foreach (var folder in _foldersToDelete.Distinct())
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is reclaimed with the temp folder; the test result does not depend on it.
            }
        }
        _foldersToDelete.Clear();
    }

    /// <summary>A client whose every JSON response is checked against the committed OpenAPI contract (and which sends the admin key).</summary>
    public new HttpClient CreateClient() => CreateDefaultClient(new ContractCheckingHandler(OpenApiContract.Load()));
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
