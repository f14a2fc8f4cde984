using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>One resource-usage sample per request, computed as <c>docker stats</c> does.</summary>
public sealed class ContainerStatsTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Stats_of_a_running_container_report_its_memory_limit_processes_and_cpu()
    {
        var name = TestContainers.UniqueName("stats");
        var created = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            memory = "48m",
            start = true,
        })).AssertOkJsonAsync(201);

        var stats = await (await _client.GetAsync($"/api/v1/containers/{name}/stats")).AssertOkJsonAsync();

        Assert.Equal((string?)created["id"], (string?)stats["id"]);
        Assert.Equal(name, (string?)stats["name"]);
        Assert.Equal(48L * 1024 * 1024, (long)stats["memoryLimitBytes"]!);
        Assert.InRange((long)stats["memoryUsageBytes"]!, 1, 48L * 1024 * 1024);
        Assert.InRange((double)stats["memoryPercent"]!, 0, 100);
        Assert.True((long)stats["pids"]! >= 1);
        Assert.True((double)stats["cpuPercent"]! >= 0);
        Assert.True((long)stats["networkRxBytes"]! >= 0);
        Assert.True((long)stats["blockReadBytes"]! >= 0);
    }

    [Fact]
    public async Task Stats_of_a_stopped_container_are_a_conflict_naming_its_state()
    {
        var name = TestContainers.UniqueName("stopped");
        await TestContainers.CreateAsync(_client, name, start: false);

        var problem = await (await _client.GetAsync($"/api/v1/containers/{name}/stats")).AssertProblemAsync(409);

        Assert.Contains(name, (string?)problem["detail"]);
        Assert.Contains("created", (string?)problem["detail"]);
    }
}
