using DockerOps.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace DockerOps.Api.Tests;

/// <summary>
/// Overlay networks on the real engine, which must be a single-node swarm manager (scripts/test.sh
/// makes its private engine one; an engine given by DOCKER_HOST that is not one fails these tests, saying how to fix it).
/// </summary>
public sealed class OverlayNetworkTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => TestEngine.EnsureSwarmManagerAsync();

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private static readonly string[] Server = ["sh", "-c", "while true; do echo pong | nc -l -p 8080; done"];

    private static string[] Probe(string host) =>
        ["sh", "-c", $"for i in 1 2 3 4 5 6 7 8 9 10; do echo ping | nc -w 2 {host} 8080 2>/dev/null && exit 0; sleep 0.5; done; echo unreachable"];

    [Fact]
    public async Task An_attachable_overlay_network_is_created_inspected_and_carries_traffic_between_containers_by_alias()
    {
        var name = TestContainers.UniqueName("overlay");
        var prefix = NetworkTests.RandomSubnetPrefix();
        var created = await (await _client.PostJsonAsync("/api/v1/networks", new
        {
            name,
            driver = "overlay",
            subnet = $"{prefix}.0/24",
            gateway = $"{prefix}.1",
            attachable = true,
            labels = TestContainers.Labels(new Dictionary<string, string> { ["tier"] = "mesh" }),
        })).AssertOkJsonAsync(201);
        Assert.Equal("overlay", (string?)created["driver"]);
        Assert.Equal("swarm", (string?)created["scope"]);

        var inspected = await (await _client.GetAsync($"/api/v1/networks/{name}")).AssertOkJsonAsync();
        Assert.Equal((string?)created["id"], (string?)inspected["id"]);
        Assert.Equal("overlay", (string?)inspected["driver"]);
        Assert.Equal("swarm", (string?)inspected["scope"]);
        Assert.True((bool)inspected["attachable"]!);
        Assert.False((bool)inspected["ingress"]!);
        Assert.False((bool)inspected["predefined"]!);
        var pool = Assert.Single(inspected["ipam"]!.AsArray())!;
        Assert.Equal($"{prefix}.0/24", (string?)pool["subnet"]);
        Assert.Equal($"{prefix}.1", (string?)pool["gateway"]);
        Assert.Equal(TestEngine.RunId, (string?)inspected["labels"]![TestEngine.Label]);
        Assert.Equal("mesh", (string?)inspected["labels"]!["tier"]);

        var listed = await (await _client.GetAsync($"/api/v1/networks?{ResourceTestSupport.RunLabelQuery}&driver=overlay&scope=swarm")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)Assert.Single(listed.AsArray())!["name"]);

        // Attachable: plain containers (not only swarm services) join it, through the connect endpoint with an alias.
        var server = TestContainers.UniqueName("ov-server");
        await TestContainers.CreateAsync(_client, server, command: Server);
        await (await _client.PostJsonAsync($"/api/v1/networks/{name}/connect", new { container = server, aliases = new[] { "backend" } })).AssertOkJsonAsync();
        var endpoint = Assert.Single((await (await _client.GetAsync($"/api/v1/networks/{name}")).AssertOkJsonAsync())["containers"]!.AsArray())!;
        Assert.Equal(server, (string?)endpoint["container"]!["name"]);
        Assert.StartsWith($"{prefix}.", (string?)endpoint["ipv4Address"]);

        // The second container joins at creation and reaches the first by its alias over the overlay (vxlan).
        var answer = await ResourceTestSupport.RunToCompletionAsync(_client, Probe("backend"), networks: [new { name }]);
        Assert.Equal("pong", answer.Trim());

        var busy = await (await _client.DeleteAsync($"/api/v1/networks/{name}")).AssertProblemAsync(409);
        Assert.Contains(server, (string?)busy["detail"]);
        await (await _client.PostJsonAsync($"/api/v1/networks/{name}/disconnect", new { container = server })).AssertOkJsonAsync();
        var removed = await (await _client.DeleteAsync($"/api/v1/networks/{name}")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)removed["name"]);
        // The swarm removes its networks asynchronously: the engine's local copy goes a moment later.
        await Eventually.GetAsync($"network {name} to be gone", async () =>
            (await _client.GetAsync($"/api/v1/networks/{name}")).StatusCode == System.Net.HttpStatusCode.NotFound ? "gone" : null, TimeSpan.FromSeconds(15));
        await (await _client.GetAsync($"/api/v1/networks/{name}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task A_network_prune_removes_an_idle_overlay_network_exactly_as_its_preview_said_and_never_the_ingress()
    {
        var batch = Guid.NewGuid().ToString("N")[..12];
        var labels = TestContainers.Labels(new Dictionary<string, string> { ["batch"] = batch });
        var idle = await (await _client.PostJsonAsync("/api/v1/networks", new { name = TestContainers.UniqueName("ov-idle"), driver = "overlay", attachable = true, labels }))
            .AssertOkJsonAsync(201);
        var kept = await (await _client.PostJsonAsync("/api/v1/networks", new
        {
            name = TestContainers.UniqueName("ov-kept"), driver = "overlay", labels = new Dictionary<string, string>(labels) { ["dockerops.keep"] = "true" },
        })).AssertOkJsonAsync(201);
        var query = $"{ResourceTestSupport.RunLabelQuery}&label=batch={batch}";

        var preview = await (await _client.PostAsync($"/api/v1/networks/prune?{query}&dryRun=true", null)).AssertOkJsonAsync();
        var pruned = await (await _client.PostAsync($"/api/v1/networks/prune?{query}", null)).AssertOkJsonAsync();

        Assert.Equal([(string)idle["id"]!], ResourceTestSupport.Ids(preview));
        Assert.Equal(ResourceTestSupport.Ids(preview), ResourceTestSupport.Ids(pruned));
        await (await _client.GetAsync($"/api/v1/networks/{kept["id"]}")).AssertOkJsonAsync();
        var ingress = await (await _client.GetAsync("/api/v1/networks?driver=overlay&scope=swarm")).AssertOkJsonAsync();
        Assert.Contains(ingress.AsArray(), n => (bool)n!["ingress"]!);
    }

    [Fact]
    public async Task The_swarm_s_own_ingress_network_is_listed_as_swarm_scoped_and_overlay()
    {
        var overlays = await (await _client.GetAsync("/api/v1/networks?driver=overlay&scope=swarm")).AssertOkJsonAsync();

        var ingress = Assert.Single(overlays.AsArray(), n => (bool)n!["ingress"]!)!;
        Assert.Equal("overlay", (string?)ingress["driver"]);
        Assert.Equal("swarm", (string?)ingress["scope"]);
    }
}

/// <summary>An engine that is not a swarm manager, as the real one answers an overlay network create (403, or 503 from its cluster component).</summary>
public sealed class OverlayWithoutSwarmTests(MisbehavingEngineApp app) : IClassFixture<MisbehavingEngineApp>
{
    private const string NotAManager = """{"message":"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."}""";

    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData(403)]
    [InlineData(503)]
    public async Task Creating_an_overlay_network_on_an_engine_outside_a_swarm_is_a_409_saying_to_run_docker_swarm_init(int engineStatus)
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/networks")).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("[]"));
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/containers/json")).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("[]"));
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/networks/create")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(engineStatus).WithHeader("Content-Type", "application/json").WithBody(NotAManager));
        var name = TestContainers.UniqueName("overlay");

        var problem = await (await _client.PostJsonAsync("/api/v1/networks", new { name, driver = "overlay", attachable = true, labels = TestContainers.Labels() }))
            .AssertProblemAsync(409);

        var detail = (string)problem["detail"]!;
        Assert.Contains("is not a swarm manager", detail);
        Assert.Contains("docker swarm init", detail);
        Assert.Contains(name, detail);
        var sent = Assert.Single(app.Engine.LogEntries, e => e.RequestMessage.Path.EndsWith("/networks/create", StringComparison.Ordinal));
        Assert.Contains("\"overlay\"", sent.RequestMessage.Body);
    }
}
