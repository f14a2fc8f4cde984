using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using DockerOps.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DockerOps.Api.Tests;

/// <summary>The service with every log line it writes kept in memory, so that tests can search them.</summary>
public sealed class LogCapturingApp(IDictionary<string, string?> settings) : DockerOpsApp(WithVerboseLogging(settings))
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    private static Dictionary<string, string?> WithVerboseLogging(IDictionary<string, string?> settings) =>
        new(settings) { ["Logging:LogLevel:Default"] = "Debug" };
}

public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values as well as the message: a secret passed as a parameter but left out of the template still counts.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>
/// One registry that requires a login, and the service three times over: with the right
/// credentials for it in configuration, with a wrong password, and with none.
/// </summary>
public sealed class RegistryLoginFixture : IAsyncLifetime
{
    public const string WrongPassword = "not-the-password-4711";

    public RegistryLoginFixture()
    {
        WithCredentials = new LogCapturingApp(Login(Registry.Login!.Password));
        WithWrongPassword = new LogCapturingApp(Login(WrongPassword));
        WithoutCredentials = new LogCapturingApp(new Dictionary<string, string?>());
    }

    public AuthenticatedRegistry Registry { get; } = new();

    public LogCapturingApp WithCredentials { get; }

    public LogCapturingApp WithWrongPassword { get; }

    public LogCapturingApp WithoutCredentials { get; }

    public string Password => Registry.Login!.Password;

    public async Task InitializeAsync()
    {
        await Registry.InitializeAsync();
        await Task.WhenAll(WithCredentials.InitializeAsync(), WithWrongPassword.InitializeAsync(), WithoutCredentials.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await WithCredentials.DisposeAsync();
        await WithWrongPassword.DisposeAsync();
        await WithoutCredentials.DisposeAsync();
        await Registry.DisposeAsync();
    }

    /// <summary>Imports a labelled image, pushes it to the registry with its login, and removes it locally; returns its repository and ID.</summary>
    public async Task<(string Repository, string Id)> PushedImageAsync()
    {
        var repository = $"{Registry.Address}/dockerops-test/login-{Guid.NewGuid():N}"[..(Registry.Address.Length + 31)];
        var id = await TestResources.ImportImageAsync(repository, "1");
        using var docker = TestEngine.CreateClient();
        var failure = (string?)null;
        await docker.Images.PushImageAsync($"{repository}:1", new ImagePushParameters { Tag = "1" },
            new AuthConfig { ServerAddress = Registry.Address, Username = Registry.Login!.Username, Password = Password },
            new Progress<JSONMessage>(m => failure ??= m.Error?.Message));
        await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true });
        Assert.True(failure is null, $"Pushing the test image to {Registry.Address} failed: {failure}");
        return (repository, id);
    }

    private Dictionary<string, string?> Login(string password) => new()
    {
        ["Registries:0:Server"] = Registry.Address,
        ["Registries:0:Username"] = Registry.Login!.Username,
        ["Registries:0:Password"] = password,
    };
}

public sealed class RegistryLoginTests(RegistryLoginFixture fixture) : IClassFixture<RegistryLoginFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private static string Encoded(string reference) => Uri.EscapeDataString(reference);

    [Fact]
    public async Task An_image_is_pulled_from_a_registry_that_requires_a_login_with_the_configured_credentials_streaming_progress()
    {
        var (repository, id) = await fixture.PushedImageAsync();
        using var client = fixture.WithCredentials.CreateClient();

        var text = await ResourceTestSupport.AssertPulledWithProgressAsync(client, repository, "1", id);

        Assert.DoesNotContain(fixture.Password, text);
        var details = await (await client.GetAsync($"/api/v1/images/{Encoded($"{repository}:1")}")).AssertOkJsonAsync();
        Assert.Contains(details["digests"]!.AsArray(), d => ((string)d!).StartsWith(repository + "@sha256:"));

        var record = await PullRecordAsync(fixture.WithCredentials, repository);
        Assert.Equal("ok", (string?)record["outcome"]);
        Assert.Equal(id, (string?)record["targetId"]);
        Assert.Equal(new[] { "image", "tag" }, record["parameters"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        await AssertNowhereAsync(fixture.WithCredentials, fixture.Password);
    }

    [Fact]
    public async Task Without_credentials_for_the_registry_the_pull_is_refused_naming_the_registry_and_what_to_configure()
    {
        var (repository, _) = await fixture.PushedImageAsync();
        using var client = fixture.WithoutCredentials.CreateClient();

        var problem = await (await client.PostJsonAsync("/api/v1/images/pull", new { image = repository, tag = "1" })).AssertProblemAsync(403);

        Assert.Equal("Registry refused the pull", (string?)problem["title"]);
        var detail = (string)problem["detail"]!;
        Assert.Contains($"'{fixture.Registry.Address}' requires credentials", detail);
        Assert.Contains("none are configured", detail);
        Assert.Contains("no basic auth credentials", detail);
        await (await client.GetAsync($"/api/v1/images/{Encoded($"{repository}:1")}")).AssertProblemAsync(404);
        var record = await PullRecordAsync(fixture.WithoutCredentials, repository);
        Assert.Equal("denied", (string?)record["outcome"]);
        Assert.Contains(fixture.Registry.Address, (string?)record["reason"]);
    }

    [Fact]
    public async Task With_a_wrong_password_the_pull_is_refused_naming_the_registry_and_no_password_is_echoed_logged_or_audited()
    {
        var (repository, _) = await fixture.PushedImageAsync();
        using var client = fixture.WithWrongPassword.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/images/pull", new { image = repository, tag = "1" });
        var text = await response.Content.ReadAsStringAsync();
        var problem = await response.AssertProblemAsync(403);

        var detail = (string)problem["detail"]!;
        Assert.Contains($"'{fixture.Registry.Address}' refused the configured credentials of user '{fixture.Registry.Login!.Username}'", detail);
        Assert.Contains("authentication required", detail);
        Assert.DoesNotContain(RegistryLoginFixture.WrongPassword, text);
        Assert.DoesNotContain(fixture.Password, text);
        var record = await PullRecordAsync(fixture.WithWrongPassword, repository);
        Assert.Equal("denied", (string?)record["outcome"]);
        Assert.Contains("refused the configured credentials", (string?)record["reason"]);
        await AssertNowhereAsync(fixture.WithWrongPassword, RegistryLoginFixture.WrongPassword);
    }

    private static async Task<JsonNode> PullRecordAsync(DockerOpsApp app, string repository)
    {
        using var client = app.CreateClient();
        var page = await (await client.GetAsync($"/api/v1/audit?action=image.pull&target={Encoded($"{repository}:1")}")).AssertOkJsonAsync();
        return Assert.Single(page["records"]!.AsArray())!;
    }

    /// <summary>The secret is in none of the audit API's answers, the SQLite audit rows, the data folder's files, or the log lines.</summary>
    private static async Task AssertNowhereAsync(LogCapturingApp app, string secret)
    {
        using var client = app.CreateClient();
        Assert.DoesNotContain(secret, await (await client.GetAsync("/api/v1/audit?limit=1000")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(secret, await (await client.GetAsync("/api/v1/audit?format=csv&limit=1000")).Content.ReadAsStringAsync());

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataFolder, "audit.db")};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT * FROM audit WHERE action = 'image.pull'";
            await using var reader = await select.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                for (var column = 0; column < reader.FieldCount; column++)
                    Assert.DoesNotContain(secret, reader.IsDBNull(column) ? "" : Convert.ToString(reader.GetValue(column)));
            }

            Assert.True(rows > 0, "The audit trail holds no image.pull record to check.");
        }

        // Whatever else the service stores (WAL files, key store, job storage) holds no copy either.
        foreach (var file in Directory.EnumerateFiles(app.DataFolder, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.False((await reader.ReadToEndAsync()).Contains(secret, StringComparison.Ordinal), $"{file} holds the password.");
        }

        Assert.NotEmpty(app.Logs.Lines);
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }
}
