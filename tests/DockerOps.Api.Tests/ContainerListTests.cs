using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Listing and its filters. Every query is narrowed to this test's own label: the engine is shared.</summary>
public sealed class ContainerListTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();
    private readonly string _case = Guid.NewGuid().ToString("N");
    private readonly string _web = TestContainers.UniqueName("web");
    private readonly string _db = TestContainers.UniqueName("db");
    private readonly string _blue = TestContainers.UniqueName("blue");

    public async Task InitializeAsync()
    {
        await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = _web,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(Labels(("tier", "web"), ("com.docker.compose.project", "shop"), ("com.docker.compose.service", "web"))),
            ports = new[] { new { hostIp = "127.0.0.1", containerPort = 8080, protocol = "tcp" } },
            start = true,
        })).AssertOkJsonAsync(201);
        await TestContainers.CreateAsync(_client, _db, start: false, labels: Labels(("tier", "db")));
        await TestContainers.CreateAsync(_client, _blue, labels: Labels(("tier", "web"), ("color", "blue")));
    }

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Without_all_only_running_containers_are_listed_and_with_all_every_one()
    {
        Assert.Equal([_blue, _web], Names(await ListAsync("")));
        Assert.Equal([_blue, _db, _web], Names(await ListAsync("all=true")));
    }

    [Fact]
    public async Task Label_filters_can_be_repeated_and_all_must_match()
    {
        Assert.Equal([_blue, _web], Names(await ListAsync("all=true&label=tier=web")));
        Assert.Equal([_blue], Names(await ListAsync("all=true&label=tier=web&label=color=blue")));
        Assert.Equal([_blue], Names(await ListAsync("all=true&label=color")));
        Assert.Empty(await ListAsync("all=true&label=tier=cache"));
    }

    [Fact]
    public async Task Name_and_state_filters_narrow_the_list()
    {
        Assert.Equal([_web], Names(await ListAsync($"all=true&name={_web}")));
        // A state filter implies all: asking for created containers must not need all=true as well.
        Assert.Equal([_db], Names(await ListAsync("state=created")));
        Assert.Equal([_blue, _web], Names(await ListAsync("state=running")));
        Assert.Empty(await ListAsync("state=exited"));
    }

    [Fact]
    public async Task A_bad_state_or_health_filter_is_a_bad_request_naming_the_parameter_and_the_choices()
    {
        var state = await (await _client.GetAsync("/api/v1/containers?state=sleeping")).AssertProblemAsync(400);
        Assert.Equal("state", (string?)state["field"]);
        Assert.Contains("running", (string?)state["detail"]);

        var health = await (await _client.GetAsync("/api/v1/containers?health=poorly")).AssertProblemAsync(400);
        Assert.Equal("health", (string?)health["field"]);
        Assert.Contains("unhealthy", (string?)health["detail"]);

        var all = await (await _client.GetAsync("/api/v1/containers?all=maybe")).AssertProblemAsync(400);
        Assert.Equal("all", (string?)all["field"]);
    }

    [Fact]
    public async Task Each_item_carries_what_an_operator_needs_without_asking_the_engine_for_sizes()
    {
        var web = Assert.Single(await ListAsync($"name={_web}"));

        Assert.Matches("^[0-9a-f]{64}$", (string?)web["id"]);
        Assert.Equal(_web, (string?)web["name"]);
        Assert.Equal(TestEngine.Image, (string?)web["image"]);
        Assert.Equal("running", (string?)web["state"]);
        Assert.StartsWith("Up", (string?)web["status"]);
        Assert.Equal("none", (string?)web["health"]);
        Assert.Equal("web", (string?)web["labels"]!["tier"]);
        Assert.True(DateTimeOffset.Parse((string)web["created"]!) > DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal("shop", (string?)web["project"]);
        Assert.Equal("web", (string?)web["service"]);
        var port = Assert.Single(web["ports"]!.AsArray())!;
        Assert.Equal("127.0.0.1", (string?)port["hostIp"]);
        Assert.Equal(8080, (int)port["containerPort"]!);
        Assert.True((int)port["hostPort"]! > 0);
        Assert.Equal("tcp", (string?)port["protocol"]);
        Assert.Null(web["sizeRw"]);

        var db = Assert.Single(await ListAsync($"all=true&name={_db}"));
        Assert.Equal("created", (string?)db["state"]);
        Assert.Null(db["project"]);
        Assert.Empty(db["ports"]!.AsArray());
    }

    private Dictionary<string, string> Labels(params (string Key, string Value)[] extra)
    {
        var labels = extra.ToDictionary(l => l.Key, l => l.Value);
        labels["dockerops.test.case"] = _case;
        return labels;
    }

    private async Task<List<JsonNode>> ListAsync(string query) =>
        (await (await _client.GetAsync($"/api/v1/containers?label=dockerops.test.case={_case}&{query}")).AssertOkJsonAsync())
            .AsArray().Select(n => n!).ToList();

    private static List<string> Names(IEnumerable<JsonNode> items) => items.Select(i => (string)i["name"]!).Order(StringComparer.Ordinal).ToList();
}
