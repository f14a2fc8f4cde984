using System.Diagnostics;
using System.Net;
using System.Text;
using DockerOps.Core.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Api.Tests;

public sealed class ApiKeyTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    private readonly HttpClient _admin = app.CreateClient();

    [Fact]
    public async Task A_created_key_is_shown_once_works_with_both_headers_and_the_database_holds_only_its_hash()
    {
        var name = "ops-" + Guid.NewGuid().ToString("N")[..8];
        var created = await (await _admin.PostJsonAsync("/api/v1/keys", new
        {
            name,
            role = "operator",
            scope = new { names = new[] { "api-*" }, labels = new[] { "team=payments" } },
            expires = "30d",
        })).AssertOkJsonAsync(201);
        var key = (string)created["key"]!;
        Assert.StartsWith("dko_", key);
        Assert.True(key.Length >= 4 + 12 + 1 + 43, key);
        Assert.Equal("operator", (string?)created["role"]);
        Assert.Equal("api-*", (string?)created["scope"]!["names"]![0]);

        var listText = await (await _admin.GetAsync("/api/v1/keys")).Content.ReadAsStringAsync();
        Assert.Contains(name, listText);
        Assert.DoesNotContain(key, listText);
        Assert.DoesNotContain(key[16..], listText);

        using var bearer = app.CreateClientWithKey(key);
        var me = await (await bearer.GetAsync("/api/v1/me")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)me["name"]);
        Assert.Equal("operator", (string?)me["role"]);
        Assert.Equal("team=payments", (string?)me["scope"]!["labels"]![0]);
        Assert.Contains("ContainersOperate", me["permissions"]!.AsArray().Select(p => (string?)p));
        Assert.DoesNotContain("ContainersCreate", me["permissions"]!.AsArray().Select(p => (string?)p));

        using var header = app.CreateAnonymousClient();
        header.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(name, (string?)(await (await header.GetAsync("/api/v1/me")).AssertOkJsonAsync())["name"]);

        // Neither this key, nor its secret part, nor the bootstrap admin key is anywhere in the data folder.
        foreach (var file in Directory.GetFiles(app.DataFolder))
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in new[] { key, key[16..], app.AdminKey! })
                Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} contains a key");
        }
    }

    [Fact]
    public async Task Missing_unknown_and_forged_keys_get_401_problems_with_a_challenge()
    {
        using var anonymous = app.CreateAnonymousClient();
        var missing = await anonymous.GetAsync("/api/v1/containers");
        var problem = await missing.AssertProblemAsync(401);
        Assert.Contains("Authorization: Bearer", (string?)problem["detail"]);
        Assert.Contains(missing.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Contains(missing.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");

        var real = await app.CreateKeyAsync(Role.Viewer);
        // The right id with a different secret: the id finds the record, the hash comparison refuses it.
        var forged = real[..17] + new string('A', real.Length - 17);
        foreach (var bad in new[] { "not-a-key", "dko_000000000000_" + new string('x', 43), forged })
        {
            using var client = app.CreateClientWithKey(bad);
            var refused = await client.GetAsync("/api/v1/me");
            var body = await refused.AssertProblemAsync(401);
            Assert.Equal("The API key is not valid.", (string?)body["detail"]);
            Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter!.Contains("invalid_token"));
        }

        using var good = app.CreateClientWithKey(real);
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_and_the_list_shows_when()
    {
        var name = "gone-" + Guid.NewGuid().ToString("N")[..8];
        var key = await app.CreateKeyAsync(Role.Operator, name: name);
        using var client = app.CreateClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        var revoked = await (await _admin.DeleteAsync($"/api/v1/keys/{name}")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)revoked["name"]);
        Assert.NotNull((string?)revoked["revoked"]);

        var refused = await (await client.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Contains("revoked", (string?)refused["detail"]);
        var listed = (await (await _admin.GetAsync("/api/v1/keys")).AssertOkJsonAsync()).AsArray();
        Assert.NotNull((string?)listed.Single(k => (string?)k!["name"] == name)!["revoked"]);
        await (await _admin.DeleteAsync("/api/v1/keys/no-such-key")).AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("""{"role":"viewer"}""", "name")]
    [InlineData("""{"name":"bad name","role":"viewer"}""", "name")]
    [InlineData("""{"name":"k1","role":"root"}""", "role")]
    [InlineData("""{"name":"k1","role":"viewer","expires":"tomorrow"}""", "expires")]
    [InlineData("""{"name":"k1","role":"viewer","expires":"2001-01-01T00:00:00Z"}""", "expires")]
    [InlineData("""{"name":"k1","role":"viewer","scope":{"names":[""]}}""", "scope.names[0]")]
    [InlineData("""{"name":"k1","role":"viewer","key":"dko_chosen"}""", "key")]
    public async Task Key_creation_refuses_bad_input_naming_the_field(string json, string field)
    {
        var response = await _admin.PostAsync("/api/v1/keys", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal(field, (string?)problem["field"]);
    }

    [Fact]
    public async Task Only_an_unrestricted_admin_manages_keys()
    {
        using var scopedAdmin = await app.CreateClientWithRole(Role.Admin, new AccessScope(["api-*"], [], []));

        var refused = await (await scopedAdmin.PostJsonAsync("/api/v1/keys", new { name = "escalate", role = "admin" })).AssertProblemAsync(403);

        Assert.Contains("without a scope", (string?)refused["detail"]);
        await (await scopedAdmin.GetAsync("/api/v1/audit")).AssertProblemAsync(403);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}

/// <summary>A host whose clock the test moves.</summary>
public sealed class FakeClockApp : DockerOpsApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class ApiKeyExpiryTests(FakeClockApp app) : IClassFixture<FakeClockApp>
{
    [Fact]
    public async Task A_key_works_until_it_expires_and_then_gets_401_saying_so()
    {
        using var admin = app.CreateClient();
        var key = (string)(await (await admin.PostJsonAsync("/api/v1/keys", new { name = "short-lived", role = "viewer", expires = "1h" })).AssertOkJsonAsync(201))["key"]!;
        using var client = app.CreateClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        var refused = await (await client.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Contains("expired", (string?)refused["detail"]);
        var listed = (await (await admin.GetAsync("/api/v1/keys")).AssertOkJsonAsync()).AsArray();
        Assert.NotNull((string?)listed.Single(k => (string?)k!["name"] == "short-lived")!["lastUsed"]);
    }
}

/// <summary>A host on a data folder and settings the test chooses (the folder is the test's to delete).</summary>
public sealed class ConfiguredApp(IDictionary<string, string?> settings) : DockerOpsApp(settings);

public sealed class BootstrapAndCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dockerops-bootstrap-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_bootstrap_key_comes_from_a_file_seeding_is_idempotent_and_a_new_value_replaces_the_old()
    {
        var keyFile = Path.Combine(_folder, "admin.key");
        var first = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(keyFile, first + "\n");
        var data = Path.Combine(_folder, "data");

        for (var start = 0; start < 2; start++)
        {
            await using var fromFile = await StartAsync(new() { ["DOCKEROPS_DATA"] = data, ["DOCKEROPS_ADMIN_KEY_FILE"] = keyFile });
            using var client = fromFile.CreateClientWithKey(first);
            var me = await (await client.GetAsync("/api/v1/me")).AssertOkJsonAsync();
            Assert.Equal("admin", (string?)me["role"]);
            Assert.Equal("bootstrap-admin", (string?)me["name"]);
            var keys = (await (await client.GetAsync("/api/v1/keys")).AssertOkJsonAsync()).AsArray();
            Assert.Single(keys, k => (string?)k!["name"] == "bootstrap-admin");
        }

        var second = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var fromVariable = await StartAsync(new() { ["DOCKEROPS_DATA"] = data, ["DOCKEROPS_ADMIN_KEY"] = second });
        using var oldKey = fromVariable.CreateClientWithKey(first);
        await (await oldKey.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        using var newKey = fromVariable.CreateClientWithKey(second);
        Assert.Equal("bootstrap-admin", (string?)(await (await newKey.GetAsync("/api/v1/me")).AssertOkJsonAsync())["name"]);
    }

    [Fact]
    public async Task A_short_bootstrap_key_stops_the_service_at_start_naming_the_setting()
    {
        var app = new ConfiguredApp(new Dictionary<string, string?> { ["DOCKEROPS_DATA"] = Path.Combine(_folder, "short"), ["DOCKEROPS_ADMIN_KEY"] = "password" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // A host that never started has little to dispose; what matters is why it did not start.
        }

        Assert.Contains("DOCKEROPS_ADMIN_KEY must hold a key of at least 32 characters", failure.ToString());
    }

    [Fact]
    public async Task The_keys_command_line_creates_lists_and_revokes_keys_without_starting_the_service()
    {
        var data = Path.Combine(_folder, "cli");

        var create = await RunCliAsync(data, "keys", "create", "--name", "ci-deploy", "--role", "operator", "--scope", "names=api-*,labels=team=x,projects=shop", "--expires", "30d");
        Assert.True(create.ExitCode == 0, create.Errors);
        var key = create.Output.Split('\n', StringSplitOptions.TrimEntries).Last(line => line.StartsWith("dko_", StringComparison.Ordinal));
        Assert.Contains("stored only as a hash", create.Errors);

        var list = await RunCliAsync(data, "keys", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("ci-deploy\toperator\tnames=api-*,labels=team=x,projects=shop", list.Output);
        Assert.DoesNotContain(key, list.Output);

        var badRole = await RunCliAsync(data, "keys", "create", "--name", "x", "--role", "root");
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("role:", badRole.Errors);

        await using (var app = await StartAsync(new() { ["DOCKEROPS_DATA"] = data }))
        {
            using var client = app.CreateClientWithKey(key);
            var me = await (await client.GetAsync("/api/v1/me")).AssertOkJsonAsync();
            Assert.Equal("operator", (string?)me["role"]);
            Assert.Equal("shop", (string?)me["scope"]!["projects"]![0]);

            var revoke = await RunCliAsync(data, "keys", "revoke", "ci-deploy");
            Assert.True(revoke.ExitCode == 0, revoke.Errors);
            var refused = await (await client.GetAsync("/api/v1/me")).AssertProblemAsync(401);
            Assert.Contains("revoked", (string?)refused["detail"]);
        }
    }

    private static async Task<ConfiguredApp> StartAsync(Dictionary<string, string?> settings)
    {
        var app = new ConfiguredApp(settings);
        await app.InitializeAsync();
        return app;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunCliAsync(string dataFolder, params string[] args)
    {
        var assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(assembly)! };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOCKEROPS_DATA"] = dataFolder;
        start.Environment.Remove("DOCKEROPS_ADMIN_KEY");
        start.Environment.Remove("DOCKEROPS_ADMIN_KEY_FILE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
