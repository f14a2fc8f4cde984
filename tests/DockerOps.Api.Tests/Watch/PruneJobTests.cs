using System.Text.Json.Nodes;
using DockerOps.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace DockerOps.Api.Tests.Watch;

/// <summary>
/// Scheduled prunes filtered to one fixture's containers and networks (this run's label and a fixture
/// label): the engine is shared, so a job run here must never reach anything else.
/// </summary>
public sealed class PruneJobApp() : ReceiverApp(Prepare("prunejob", Stub, Settings))
{
    public static string FixtureLabel { get; } = $"{TestEngine.Label}.prunejob";

    public static string FixtureValue { get; } = Guid.NewGuid().ToString("N")[..12];

    public static string Selectors => $"{TestEngine.Label}={TestEngine.RunId},{FixtureLabel}={FixtureValue}";

    private static void Stub(WireMock.Server.WireMockServer server) =>
        server.Given(Request.Create().WithPath("/reports").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    private static Dictionary<string, string?> Settings(string url) => new()
    {
        ["Alerts:Channels:0:Name"] = "reports",
        ["Alerts:Channels:0:Type"] = "webhook",
        ["Alerts:Channels:0:Url"] = $"{url}/reports",
        ["Jobs:Recurring:prune-containers:Options:labels"] = Selectors,
        ["Jobs:Recurring:prune-containers:Options:until"] = "",
        ["Jobs:Recurring:prune-networks:Options:labels"] = Selectors,
        ["Jobs:Recurring:prune-networks:Options:until"] = "",
        ["Jobs:Recurring:prune-networks:Options:dryRun"] = "true",
    };
}

public sealed class PruneJobTests(PruneJobApp app) : IClassFixture<PruneJobApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task A_prune_job_removes_only_the_stopped_containers_its_labels_select_and_reports_them_to_the_alert_channels()
    {
        var selected = await CreateStoppedAsync(new Dictionary<string, string> { [PruneJobApp.FixtureLabel] = PruneJobApp.FixtureValue });
        var otherTestContainer = await CreateStoppedAsync(new Dictionary<string, string> { [PruneJobApp.FixtureLabel] = "someone-else" });
        try
        {
            var run = await (await _client.PostAsync("/api/v1/jobs/prune-containers/run", null)).AssertOkJsonAsync();
            Assert.Equal("prune-containers", (string?)run["id"]);

            var report = await WaitForReportAsync("prune-containers");
            Assert.Equal("report", (string?)report["kind"]);
            Assert.Contains("1 containers removed", (string?)report["title"]);
            Assert.Contains("reclaimed", (string?)report["title"]);
            Assert.Contains((string)selected["name"]!, (string?)report["summary"]);
            Assert.DoesNotContain((string)otherTestContainer["name"]!, (string?)report["summary"]);
            await (await _client.GetAsync($"/api/v1/containers/{selected["id"]}")).AssertProblemAsync(404);
            await (await _client.GetAsync($"/api/v1/containers/{otherTestContainer["id"]}")).AssertOkJsonAsync();

            var audit = await (await _client.GetAsync("/api/v1/audit?action=containers.prune")).AssertOkJsonAsync();
            var entry = Assert.Single(Entries(audit), e => (string?)e["actorId"] == "job:prune-containers");
            Assert.Equal("job", (string?)entry["channel"]);
        }
        finally
        {
            await _client.DeleteAsync($"/api/v1/containers/{otherTestContainer["id"]}?force=true");
            await _client.DeleteAsync($"/api/v1/containers/{selected["id"]}?force=true");
        }
    }

    [Fact]
    public async Task A_prune_job_in_dry_run_mode_reports_its_preview_and_removes_nothing()
    {
        var network = TestContainers.UniqueName("pjn");
        var created = await (await _client.PostJsonAsync("/api/v1/networks", new
        {
            name = network,
            labels = TestContainers.Labels(new Dictionary<string, string> { [PruneJobApp.FixtureLabel] = PruneJobApp.FixtureValue }),
        })).AssertOkJsonAsync(201);
        try
        {
            await (await _client.PostAsync("/api/v1/jobs/prune-networks/run", null)).AssertOkJsonAsync();

            var report = await WaitForReportAsync("prune-networks");
            Assert.Contains("Prune preview", (string?)report["title"]);
            Assert.Contains("1 networks would go", (string?)report["title"]);
            Assert.Contains(network, (string?)report["summary"]);
            await (await _client.GetAsync($"/api/v1/networks/{network}")).AssertOkJsonAsync();
            var audit = await (await _client.GetAsync("/api/v1/audit?action=networks.prune.preview")).AssertOkJsonAsync();
            Assert.Contains(Entries(audit), e => (string?)e["channel"] == "job" && (string?)e["actorId"] == "job:prune-networks");
        }
        finally
        {
            await _client.DeleteAsync($"/api/v1/networks/{created["id"] ?? network}");
        }
    }

    [Fact]
    public async Task A_prune_job_refuses_options_its_runs_could_not_use_naming_the_option()
    {
        var until = await (await _client.PutAsync("/api/v1/jobs/prune-images", Json("""{"options":{"until":"last tuesday"}}"""))).AssertProblemAsync(400);
        Assert.Equal("options.until", (string?)until["field"]);
        var labels = await (await _client.PutAsync("/api/v1/jobs/prune-images", Json("""{"options":{"labels":"=oops"}}"""))).AssertProblemAsync(400);
        Assert.Equal("options.labels", (string?)labels["field"]);
        var dryRun = await (await _client.PutAsync("/api/v1/jobs/prune-images", Json("""{"options":{"dryRun":"maybe"}}"""))).AssertProblemAsync(400);
        Assert.Equal("options.dryRun", (string?)dryRun["field"]);

        var jobs = (await (await _client.GetAsync("/api/v1/jobs")).AssertOkJsonAsync()).AsArray();
        var volumes = jobs.Single(j => (string?)j!["id"] == "prune-volumes")!;
        Assert.Equal("24h", (string?)volumes["options"]!["until"]);
        var images = jobs.Single(j => (string?)j!["id"] == "prune-images")!;
        Assert.Equal("false", (string?)images["options"]!["dryRun"]);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<JsonNode> CreateStoppedAsync(Dictionary<string, string> labels)
    {
        var container = await TestContainers.CreateAsync(_client, command: ["true"], start: false, labels: labels);
        return container;
    }

    private async Task<JsonNode> WaitForReportAsync(string job)
    {
        JsonNode? found = null;
        await ReceiverApp.WaitUntilAsync(() =>
        {
            found = app.Received("/reports").Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)
                .FirstOrDefault(n => ((string?)n["alertId"])?.StartsWith(job + "-", StringComparison.Ordinal) == true);
            return found is not null;
        }, TimeSpan.FromSeconds(30), $"the {job} report");
        return found!;
    }

    private static IEnumerable<JsonNode> Entries(JsonNode audit) =>
        audit["records"]!.AsArray().Select(e => e!);
}
