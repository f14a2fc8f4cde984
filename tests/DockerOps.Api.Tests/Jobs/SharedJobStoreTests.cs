using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DockerOps.Api.Tests.Watch;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace DockerOps.Api.Tests.Jobs;

/// <summary>
/// Two DockerOps instances on one PostgreSQL job store (a database of this fixture's own), watching the
/// same containers (one scope label) and reporting to one WireMock receiver: what several replicas do.
/// </summary>
public sealed class SharedJobStore : IAsyncLifetime
{
    public TestPostgres Database { get; private set; } = null!;

    public WireMockServer Receiver { get; private set; } = null!;

    public string Scope { get; } = $"pgjobs-{Guid.NewGuid():N}"[..19];

    public Instance First { get; private set; } = null!;

    public Instance Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateAsync("jobs");
        Receiver = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{ReceiverApp.FreePort()}"] });
        Receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        First = new Instance(Settings());
        await First.InitializeAsync();
        // One after the other, as a rolling deployment would; the second finds the schemas in place.
        Second = new Instance(Settings());
        await Second.InitializeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Jobs:Storage"] = "postgresql",
        ["Jobs:ConnectionString"] = Database.ConnectionString,
        ["Health:Label"] = $"{TestEngine.Label}.scope={Scope}",
        ["Health:RecoveryGraceSeconds"] = "2",
        ["Health:AutoHeal:MaxRestarts"] = "2",
        ["Health:AutoHeal:BackoffSeconds"] = "0.2",
        ["Health:AutoHeal:StopTimeoutSeconds"] = "1",
        ["Alerts:Channels:0:Name"] = "pager",
        ["Alerts:Channels:0:Type"] = "webhook",
        ["Alerts:Channels:0:Url"] = $"{Receiver.Url}/hook",
        ["Jobs:Recurring:prune-containers:Options:labels"] = $"{TestEngine.Label}={TestEngine.RunId},{TestEngine.Label}.scope={Scope}",
        ["Jobs:Recurring:prune-containers:Options:until"] = "",
        ["Jobs:Recurring:prune-containers:Options:dryRun"] = "true",
        // Registered with Hangfire (so that a run is a trigger of the recurring job), but never due during the test.
        ["Jobs:Recurring:prune-containers:Enabled"] = "true",
        ["Jobs:Recurring:prune-containers:Cron"] = "0 0 1 1 *",
    };

    /// <summary>Alerts and reports that reached the receiver, as JSON.</summary>
    public IReadOnlyList<JsonNode> Received() =>
        Receiver.LogEntries.Where(e => e.RequestMessage.Path == "/hook").OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();

    public async Task DisposeAsync()
    {
        await TestEngine.RemoveRunResourcesAsync(Scope);
        await First.DisposeAsync();
        await Second.DisposeAsync();
        Receiver.Stop();
        await Database.DisposeAsync();
    }

    /// <summary>A DockerOps host that keeps every log line it writes, to check what it shows.</summary>
    public sealed class Instance(IDictionary<string, string?> settings) : DockerOpsApp(settings)
    {
        public ConcurrentQueue<string> Logs { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services) =>
            services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
    }
}

public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

public sealed class SharedJobStoreTests(SharedJobStore store) : IClassFixture<SharedJobStore>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DockerOps_keeps_its_jobs_in_PostgreSQL_lists_them_and_shares_their_settings_between_instances()
    {
        var jobs = (await (await store.First.CreateClient().GetAsync("/api/v1/jobs")).AssertOkJsonAsync()).AsArray();
        Assert.Contains(jobs, j => (string?)j!["id"] == "health-reconcile");
        Assert.Contains(jobs, j => (string?)j!["id"] == "prune-containers");
        Assert.NotNull(jobs.Single(j => (string?)j!["id"] == "incidents-cleanup")!["nextRun"]);

        // Hangfire's recurring jobs and DockerOps' own tables are in this test's database.
        Assert.Equal(1L, await store.Database.ScalarAsync("SELECT COUNT(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = 'incidents-cleanup'"));
        var updated = await (await store.First.CreateClient().PutAsync("/api/v1/jobs/incidents-cleanup",
            new StringContent("""{"cron":"0 5 * * 1"}""", System.Text.Encoding.UTF8, "application/json"))).AssertOkJsonAsync();
        Assert.Equal("0 5 * * 1", (string?)updated["cron"]);
        Assert.Equal(1L, await store.Database.ScalarAsync("SELECT COUNT(*) FROM dockerops.job_settings WHERE id = 'incidents-cleanup'"));

        var seenBySecond = (await (await store.Second.CreateClient().GetAsync("/api/v1/jobs")).AssertOkJsonAsync()).AsArray();
        Assert.Equal("0 5 * * 1", (string?)seenBySecond.Single(j => (string?)j!["id"] == "incidents-cleanup")!["cron"]);
    }

    [Fact]
    public async Task A_prune_job_run_on_one_of_two_instances_sharing_PostgreSQL_runs_exactly_once_and_reports_its_preview()
    {
        var stopped = TestContainers.UniqueName("pgprune");
        var stoppedId = await WatchedContainers.RunAsync(store.Scope, stopped, "exit 0");
        await ReceiverApp.WaitUntilAsync(() => WatchedContainers.HealthAsync(stoppedId).Result is null && IsExited(stoppedId), Patience, "the container to exit");

        var run = await (await store.First.CreateClient().PostAsync("/api/v1/jobs/prune-containers/run", null)).AssertOkJsonAsync();
        var jobId = (string?)run["jobId"];
        Assert.False(string.IsNullOrEmpty(jobId));

        await ReceiverApp.WaitUntilAsync(() => Reports().Count >= 1, Patience, "the prune preview report");
        // Either instance's workers may take the job; give the other time to run it a second time if it would.
        await Task.Delay(4000);
        var report = Assert.Single(Reports());
        Assert.Contains("Prune preview (prune-containers)", (string?)report["title"]);
        Assert.Contains(stopped, (string?)report["summary"]);
        Assert.True(IsExited(stoppedId), "a dry run removes nothing");

        // Each instance audits what it runs in its own trail: one run in all.
        var runs = 0;
        foreach (var instance in new[] { store.First, store.Second })
        {
            var audit = await (await instance.CreateClient().GetAsync("/api/v1/audit?action=containers.prune.preview")).AssertOkJsonAsync();
            runs += audit["records"]!.AsArray().Count(r => (string?)r!["actorId"] == "job:prune-containers");
        }

        Assert.Equal(1, runs);
        await ReceiverApp.WaitUntilAsync(() =>
        {
            var list = store.Second.CreateClient().GetAsync("/api/v1/jobs").Result.ReadJsonAsync().Result.AsArray();
            return (string?)list.Single(j => (string?)j!["id"] == "prune-containers")!["lastOutcome"] == "Succeeded";
        }, Patience, "the other instance to see the run succeeded");
        Assert.Equal("Succeeded", await store.Database.ScalarAsync($"SELECT statename FROM hangfire.job WHERE id = {long.Parse(jobId!, System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    [Fact]
    public async Task An_unhealthy_container_watched_by_two_instances_sharing_PostgreSQL_is_alerted_once_and_resolved_once()
    {
        var name = TestContainers.UniqueName("pgflap");
        await WatchedContainers.RunFlappingAsync(store.Scope, name, unhealthySeconds: 4);

        await ReceiverApp.WaitUntilAsync(() => Alerts(name).Any(a => (string?)a["kind"] == "resolved"), Patience, "the recovery message");
        await Task.Delay(3000);

        var alerts = Alerts(name);
        Assert.Equal(1, alerts.Count(a => (string?)a["kind"] == "opened" && (string?)a["cause"] == "unhealthy"));
        Assert.Equal(1, alerts.Count(a => (string?)a["kind"] == "resolved"));
        Assert.Equal(2, alerts.Count);
        // Both instances list the same, single incident.
        var incidentId = (string?)alerts[0]["incidentId"];
        foreach (var instance in new[] { store.First, store.Second })
        {
            var incidents = (await (await instance.CreateClient().GetAsync("/api/v1/incidents?recent=1h")).AssertOkJsonAsync()).AsArray();
            var incident = Assert.Single(incidents, i => (string?)i!["containerName"] == name)!;
            Assert.Equal(incidentId, (string?)incident["id"]);
            Assert.Equal("resolved", (string?)incident["state"]);
        }
    }

    [Fact]
    public async Task Two_instances_sharing_PostgreSQL_auto_heal_a_container_within_one_budget_and_escalate_once()
    {
        var name = TestContainers.UniqueName("pgheal");
        var id = await WatchedContainers.RunAsync(store.Scope, name, WatchedContainers.Script("sleep 3600"),
            health: ["CMD-SHELL", "exit 1"], labels: new Dictionary<string, string> { ["dockerops.autoheal"] = "true" });

        await ReceiverApp.WaitUntilAsync(() => Alerts(name).Any(a => (string?)a["kind"] == "escalated"), Patience, "the escalation");
        await Task.Delay(3000);

        var restarts = 0;
        foreach (var instance in new[] { store.First, store.Second })
        {
            var audit = await (await instance.CreateClient().GetAsync("/api/v1/audit?action=container.restart&limit=1000")).AssertOkJsonAsync();
            restarts += audit["records"]!.AsArray().Count(r => (string?)r!["targetId"] == id && (string?)r["actorName"] == "auto-heal");
        }

        Assert.Equal(2, restarts);
        var alerts = Alerts(name);
        Assert.Equal(1, alerts.Count(a => (string?)a["kind"] == "opened"));
        Assert.Equal(1, alerts.Count(a => (string?)a["kind"] == "escalated"));
        var incidents = (await (await store.Second.CreateClient().GetAsync("/api/v1/incidents")).AssertOkJsonAsync()).AsArray();
        var timeline = incidents.Single(i => (string?)i!["containerName"] == name)!["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList();
        Assert.Equal(2, timeline.Count(t => t.StartsWith("auto-heal restarted it", StringComparison.Ordinal)));
    }

    [Fact]
    public void Neither_instance_ever_logs_the_connection_string_or_its_password()
    {
        Assert.NotEmpty(store.First.Logs);
        foreach (var line in store.First.Logs.Concat(store.Second.Logs))
        {
            Assert.DoesNotContain(store.Database.ConnectionString, line, StringComparison.Ordinal);
            if (store.Database.Password.Length > 0)
                Assert.DoesNotContain(store.Database.Password, line, StringComparison.Ordinal);
        }
    }

    private IReadOnlyList<JsonNode> Reports() =>
        store.Received().Where(r => (string?)r["kind"] == "report" && ((string?)r["title"])!.Contains("(prune-containers)", StringComparison.Ordinal)).ToList();

    private IReadOnlyList<JsonNode> Alerts(string container) =>
        store.Received().Where(r => (string?)r["container"]?["name"] == container).ToList();

    private static bool IsExited(string id)
    {
        using var client = TestEngine.CreateClient();
        return client.Containers.InspectContainerAsync(id).Result.State.Status == "exited";
    }
}

public sealed class PostgresJobStorageStartTests
{
    [Fact]
    public async Task A_wrong_password_fails_start_without_showing_the_connection_string()
    {
        await using var database = await TestPostgres.CreateAsync("badpw");
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = "wrong-" + Guid.NewGuid().ToString("N") };
        var app = new SharedJobStore.Instance(new Dictionary<string, string?>
        {
            ["Jobs:Storage"] = "postgresql",
            ["Jobs:ConnectionString"] = wrong.ConnectionString,
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);

        Assert.Contains("password authentication failed", failure.ToString());
        Assert.DoesNotContain(wrong.Password!, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.Password!, string.Join('\n', app.Logs), StringComparison.Ordinal);
        await app.DisposeAsync();
    }
}
