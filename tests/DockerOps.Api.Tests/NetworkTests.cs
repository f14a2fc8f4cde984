using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class NetworkTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    // busybox-static's wget and httpd crash in the test image; nc works, so the guide's checks use it on both ends.
    private static readonly string[] Server = ["sh", "-c", "while true; do echo pong | nc -l -p 8080; done"];

    private static string[] Probe(string host) =>
        ["sh", "-c", $"for i in 1 2 3 4 5; do echo ping | nc -w 2 {host} 8080 2>/dev/null && exit 0; sleep 0.3; done; echo unreachable"];

    internal static string RandomSubnetPrefix() => $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 255)}";

    private async Task<JsonNode> CreateNetworkAsync(string name, object? extra = null, bool @internal = false)
    {
        var prefix = RandomSubnetPrefix();
        var response = await _client.PostJsonAsync("/api/v1/networks", new
        {
            name,
            driver = "bridge",
            subnet = $"{prefix}.0/24",
            gateway = $"{prefix}.1",
            ipRange = $"{prefix}.128/25",
            @internal,
            attachable = true,
            labels = TestContainers.Labels(new Dictionary<string, string> { ["tier"] = name }),
            options = new Dictionary<string, string> { ["com.docker.network.driver.mtu"] = "1400" },
        });
        return await response.AssertOkJsonAsync(201);
    }

    private Task<JsonNode> StartAsync(string name, string[] command, params object[] networks) =>
        _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command,
            labels = TestContainers.Labels(),
            networks,
            start = true,
        }).ContinueWith(t => t.Result.AssertOkJsonAsync(201)).Unwrap();

    [Fact]
    public async Task A_network_is_created_with_its_address_plan_listed_by_filters_and_removed()
    {
        var name = TestContainers.UniqueName("net");
        var created = await CreateNetworkAsync(name);
        var pool = created["ipam"]![0]!;
        Assert.EndsWith(".0/24", (string?)pool["subnet"]);
        Assert.EndsWith(".1", (string?)pool["gateway"]);
        Assert.EndsWith(".128/25", (string?)pool["ipRange"]);
        Assert.True((bool)created["attachable"]!);
        Assert.Equal("1400", (string?)created["options"]!["com.docker.network.driver.mtu"]);
        Assert.False((bool)created["predefined"]!);

        var listed = await (await _client.GetAsync($"/api/v1/networks?{ResourceTestSupport.RunLabelQuery}&label=tier={name}&driver=bridge&scope=local")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)Assert.Single(listed.AsArray())!["name"]);
        var none = await (await _client.GetAsync($"/api/v1/networks?{ResourceTestSupport.RunLabelQuery}&driver=macvlan")).AssertOkJsonAsync();
        Assert.Empty(none.AsArray());

        var removed = await (await _client.DeleteAsync($"/api/v1/networks/{name}")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)removed["name"]);
        await (await _client.GetAsync($"/api/v1/networks/{name}")).AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("driver", "weave", null, null)]
    [InlineData("subnet", "bridge", "10.1.0.0", null)]
    [InlineData("gateway", "bridge", "10.1.0.0/24", "10.2.0.1")]
    public async Task A_bad_network_definition_is_refused_naming_the_field(string field, string driver, string? subnet, string? gateway)
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/networks", new
        {
            name = TestContainers.UniqueName("bad"), driver, subnet, gateway, labels = TestContainers.Labels(),
        })).AssertProblemAsync(400);

        Assert.Equal(field, (string?)problem["field"]);
    }

    [Fact]
    public async Task Containers_are_connected_with_aliases_shown_with_their_addresses_and_disconnected()
    {
        var network = TestContainers.UniqueName("conn");
        await CreateNetworkAsync(network);
        var container = TestContainers.UniqueName("member");
        await TestContainers.CreateAsync(_client, container, command: Server);

        var connected = await (await _client.PostJsonAsync($"/api/v1/networks/{network}/connect", new { container, aliases = new[] { "cache", "redis" } })).AssertOkJsonAsync();
        Assert.Equal("connect", (string?)connected["action"]);

        var inspected = await (await _client.GetAsync($"/api/v1/networks/{network}")).AssertOkJsonAsync();
        var endpoint = Assert.Single(inspected["containers"]!.AsArray())!;
        Assert.Equal(container, (string?)endpoint["container"]!["name"]);
        var address = (string)endpoint["ipv4Address"]!;
        Assert.EndsWith("/24", address);
        Assert.InRange(int.Parse(address.Split('/')[0].Split('.')[3]), 128, 254);
        var details = await (await _client.GetAsync($"/api/v1/containers/{container}")).AssertOkJsonAsync();
        var attachment = details["networks"]!.AsArray().Single(n => (string?)n!["name"] == network)!;
        Assert.Contains("cache", attachment["aliases"]!.AsArray().Select(a => (string?)a));

        var byAlias = await ResourceTestSupport.RunToCompletionAsync(_client, Probe("redis"), networks: [new { name = network }]);
        Assert.Equal("pong", byAlias.Trim());

        var twice = await (await _client.PostJsonAsync($"/api/v1/networks/{network}/connect", new { container })).AssertProblemAsync(409);
        Assert.Contains("already connected", (string?)twice["detail"]);

        await (await _client.PostJsonAsync($"/api/v1/networks/{network}/disconnect", new { container })).AssertOkJsonAsync();
        var after = await (await _client.GetAsync($"/api/v1/networks/{network}")).AssertOkJsonAsync();
        Assert.Empty(after["containers"]!.AsArray());
        var notConnected = await (await _client.PostJsonAsync($"/api/v1/networks/{network}/disconnect", new { container })).AssertProblemAsync(409);
        Assert.Contains("not connected", (string?)notConnected["detail"]);
    }

    [Fact]
    public async Task A_network_with_containers_attached_is_not_removed()
    {
        var network = TestContainers.UniqueName("busy");
        await CreateNetworkAsync(network);
        var container = TestContainers.UniqueName("attached");
        await StartAsync(container, ["sleep", "3600"], new { name = network });

        var conflict = await (await _client.DeleteAsync($"/api/v1/networks/{network}")).AssertProblemAsync(409);

        Assert.Contains(container, (string?)conflict["detail"]);
        await (await _client.GetAsync($"/api/v1/networks/{network}")).AssertOkJsonAsync();
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("host")]
    [InlineData("none")]
    public async Task The_predefined_networks_cannot_be_removed(string network)
    {
        var conflict = await (await _client.DeleteAsync($"/api/v1/networks/{network}")).AssertProblemAsync(409);

        Assert.Contains("predefined", (string?)conflict["detail"]);
        await (await _client.GetAsync($"/api/v1/networks/{network}")).AssertOkJsonAsync();
    }

    [Fact]
    public async Task In_a_frontend_backend_split_the_database_is_unreachable_from_the_frontend_network()
    {
        var frontend = TestContainers.UniqueName("frontend");
        var backend = TestContainers.UniqueName("backend");
        await CreateNetworkAsync(frontend);
        var backendNetwork = await CreateNetworkAsync(backend, @internal: true);
        Assert.True((bool)backendNetwork["internal"]!);

        var db = TestContainers.UniqueName("db");
        await StartAsync(db, Server, new { name = backend, aliases = new[] { "database" } });
        var api = TestContainers.UniqueName("api");
        await StartAsync(api, Server, new { name = frontend }, new { name = backend });
        var dbAddress = ((string)(await (await _client.GetAsync($"/api/v1/containers/{db}")).AssertOkJsonAsync())["networks"]![0]!["ipAddress"]!);

        var fromBackend = await ResourceTestSupport.RunToCompletionAsync(_client, Probe("database"), networks: [new { name = backend }]);
        var fromApiSide = await ResourceTestSupport.RunToCompletionAsync(_client, Probe(api), networks: [new { name = frontend }]);
        var fromFrontendByName = await ResourceTestSupport.RunToCompletionAsync(_client, Probe("database"), networks: [new { name = frontend }]);
        var fromFrontendByAddress = await ResourceTestSupport.RunToCompletionAsync(_client, Probe(dbAddress), networks: [new { name = frontend }]);

        Assert.Equal("pong", fromBackend.Trim());
        Assert.Equal("pong", fromApiSide.Trim());
        Assert.Equal("unreachable", fromFrontendByName.Trim());
        Assert.Equal("unreachable", fromFrontendByAddress.Trim());

        var backendView = await (await _client.GetAsync($"/api/v1/networks/{backend}")).AssertOkJsonAsync();
        Assert.Equal(new[] { api, db }.Order(StringComparer.Ordinal), backendView["containers"]!.AsArray().Select(c => (string)c!["container"]!["name"]!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("macvlan", "macvlan_mode", "bridge")]
    [InlineData("ipvlan", "ipvlan_mode", "l2")]
    public async Task A_macvlan_or_ipvlan_network_is_created_on_the_hosts_uplink_with_its_driver_options(string driver, string modeOption, string mode)
    {
        // The interface carrying the default route; no container joins the network, so nothing is sent on it.
        var parent = File.ReadLines("/proc/net/route").Skip(1).Select(l => l.Split('\t')).First(f => f[1] == "00000000")[0];
        var name = TestContainers.UniqueName(driver);
        var prefix = RandomSubnetPrefix();

        var created = await (await _client.PostJsonAsync("/api/v1/networks", new
        {
            name,
            driver,
            subnet = $"{prefix}.0/24",
            gateway = $"{prefix}.1",
            labels = TestContainers.Labels(),
            options = new Dictionary<string, string> { ["parent"] = parent, [modeOption] = mode },
        })).AssertOkJsonAsync(201);

        Assert.Equal(driver, (string?)created["driver"]);
        Assert.Equal(parent, (string?)created["options"]!["parent"]);
        Assert.Equal(mode, (string?)created["options"]![modeOption]);
        await (await _client.DeleteAsync($"/api/v1/networks/{name}")).AssertOkJsonAsync();
    }
}
