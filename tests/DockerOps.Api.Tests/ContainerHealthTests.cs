using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Health checks as the engine runs them, read back over REST.</summary>
public sealed class ContainerHealthTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();
    private readonly string _case = Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task A_container_whose_health_command_fails_turns_unhealthy_with_its_failing_probes_logged()
    {
        var name = TestContainers.UniqueName("sick");
        await CreateWithCheckAsync(name, "echo probe-says-no; exit 3");

        var health = await WaitForStatusAsync(name, "unhealthy");

        Assert.Equal(name, (string?)health["name"]);
        Assert.Equal("running", (string?)health["state"]);
        Assert.True((long)health["health"]!["failingStreak"]! >= 1);
        var probe = health["health"]!["log"]!.AsArray().Last()!;
        Assert.Equal(3, (long)probe["exitCode"]!);
        Assert.Contains("probe-says-no", (string?)probe["output"]);
        Assert.True(DateTimeOffset.Parse((string)probe["end"]!) >= DateTimeOffset.Parse((string)probe["start"]!));
        Assert.Equal("1s", (string?)health["health"]!["check"]!["interval"]);
    }

    [Fact]
    public async Task A_container_whose_health_command_succeeds_turns_healthy_with_a_zero_streak()
    {
        var name = TestContainers.UniqueName("well");
        await CreateWithCheckAsync(name, "echo all-good");

        var health = await WaitForStatusAsync(name, "healthy");

        Assert.Equal(0, (long)health["health"]!["failingStreak"]!);
        var probe = health["health"]!["log"]!.AsArray().Last()!;
        Assert.Equal(0, (long)probe["exitCode"]!);
        Assert.Contains("all-good", (string?)probe["output"]);
    }

    [Fact]
    public async Task The_list_filters_by_health_and_shows_each_containers_health()
    {
        var sick = TestContainers.UniqueName("sick");
        var well = TestContainers.UniqueName("well");
        var plain = TestContainers.UniqueName("plain");
        await CreateWithCheckAsync(sick, "exit 1");
        await CreateWithCheckAsync(well, "true");
        await TestContainers.CreateAsync(_client, plain, labels: CaseLabel());
        await WaitForStatusAsync(sick, "unhealthy");
        await WaitForStatusAsync(well, "healthy");

        var unhealthy = await ListAsync("health=unhealthy");
        Assert.Equal([sick], unhealthy.Select(c => (string)c["name"]!));
        Assert.Equal("unhealthy", (string?)unhealthy[0]["health"]);

        var healthy = await ListAsync("health=healthy");
        Assert.Equal([well], healthy.Select(c => (string)c["name"]!));

        var all = (await ListAsync("all=true")).ToDictionary(c => (string)c["name"]!, c => (string?)c["health"]);
        Assert.Equal("none", all[plain]);
        Assert.Equal("unhealthy", all[sick]);
    }

    [Fact]
    public async Task A_container_without_a_check_reports_health_none_and_no_probes()
    {
        var name = TestContainers.UniqueName("nochk");
        await TestContainers.CreateAsync(_client, name, labels: CaseLabel());

        var health = await (await _client.GetAsync($"/api/v1/containers/{name}/health")).AssertOkJsonAsync();

        Assert.Equal("none", (string?)health["health"]!["status"]);
        Assert.Empty(health["health"]!["log"]!.AsArray());
        Assert.Null(health["health"]!["check"]);
    }

    private Dictionary<string, string> CaseLabel() => new() { ["dockerops.test.case"] = _case };

    private Task CreateWithCheckAsync(string name, string command) =>
        TestContainers.CreateAsync(_client, name, labels: CaseLabel(),
            healthcheck: new { test = new[] { "CMD-SHELL", command }, interval = "1s", timeout = "2s", retries = 1 });

    private Task<JsonNode> WaitForStatusAsync(string name, string status) =>
        Eventually.GetAsync($"{name} to turn {status}", async () =>
        {
            var health = await (await _client.GetAsync($"/api/v1/containers/{name}/health")).AssertOkJsonAsync();
            return (string?)health["health"]!["status"] == status ? health : null;
        });

    private async Task<List<JsonNode>> ListAsync(string query) =>
        (await (await _client.GetAsync($"/api/v1/containers?label=dockerops.test.case={_case}&{query}")).AssertOkJsonAsync())
            .AsArray().Select(n => n!).ToList();
}
