using DockerOps.Testing;

namespace DockerOps.Api.Tests.Jobs;

/// <summary>Readiness follows the PostgreSQL job store: without it no incident is recorded and no alert queued.</summary>
public sealed class JobStoreReadinessTests : IAsyncLifetime
{
    private TestPostgres _database = null!;
    private DockerOpsApp _app = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateAsync("ready");
        _app = new JobStoreApp(new Dictionary<string, string?>
        {
            ["Jobs:Storage"] = "postgresql",
            ["Jobs:ConnectionString"] = _database.ConnectionString,
        });
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await TestEngine.RemoveRunResourcesAsync();
    }

    [Fact]
    public async Task Readiness_turns_unready_when_the_job_store_goes_away_naming_it_without_its_password()
    {
        using var client = _app.CreateAnonymousClient();
        var ready = await (await client.GetAsync("/readyz")).AssertOkJsonAsync();
        Assert.Equal("ok", (string?)ready["checks"]!["jobs"]);

        // The database is dropped with its connections, as a failed-over or wiped server would look.
        await _database.DisposeAsync();

        var response = await client.GetAsync("/readyz");
        var text = await response.Content.ReadAsStringAsync();
        var unready = await response.AssertOkJsonAsync(503);
        Assert.Equal("unready", (string?)unready["status"]);
        Assert.Equal("The PostgreSQL job store does not answer.", (string?)unready["checks"]!["jobs"]);
        Assert.Equal("ok", (string?)unready["checks"]!["engine"]);
        Assert.Equal("ok", (string?)unready["checks"]!["storage"]);
        Assert.DoesNotContain(_database.Password, text);
        Assert.DoesNotContain(_database.Database, text);
    }

    private sealed class JobStoreApp(IDictionary<string, string?> settings) : DockerOpsApp(settings);
}
