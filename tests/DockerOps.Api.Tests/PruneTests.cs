using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>
/// Every prune here is filtered by this run's label: the engine is shared, and a test must never remove anything else.
/// </summary>
public sealed class PruneTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private async Task<JsonNode> PruneAsync(string kind, string query = "", bool dryRun = false) =>
        await (await _client.PostAsync($"/api/v1/{kind}/prune?{ResourceTestSupport.RunLabelQuery}&dryRun={dryRun.ToString().ToLowerInvariant()}{query}", null)).AssertOkJsonAsync();

    private async Task<string> CreateVolumeAsync(string name, Dictionary<string, string>? labels = null)
    {
        var created = await (await _client.PostJsonAsync("/api/v1/volumes", new { name, labels = TestContainers.Labels(labels) })).AssertOkJsonAsync(201);
        return (string)created["name"]!;
    }

    private async Task<string> CreateNetworkAsync(string name, Dictionary<string, string>? labels = null)
    {
        var created = await (await _client.PostJsonAsync("/api/v1/networks", new { name, labels = TestContainers.Labels(labels) })).AssertOkJsonAsync(201);
        return (string)created["id"]!;
    }

    private static async Task<string> IdOf(HttpClient client, string container) =>
        (string)(await (await client.GetAsync($"/api/v1/containers/{container}")).AssertOkJsonAsync())["id"]!;

    [Fact]
    public async Task A_container_prune_removes_exactly_the_stopped_containers_its_preview_listed_and_never_a_kept_one()
    {
        var stoppedA = await TestContainers.CreateAsync(_client, start: false);
        var stoppedB = await TestContainers.CreateAsync(_client, start: false);
        var running = await TestContainers.CreateAsync(_client);
        var kept = await TestContainers.CreateAsync(_client, start: false, labels: new Dictionary<string, string> { ["dockerops.keep"] = "true" });

        var preview = await PruneAsync("containers", dryRun: true);
        var pruned = await PruneAsync("containers");

        var expected = new[] { (string)stoppedA["id"]!, (string)stoppedB["id"]! }.Order(StringComparer.Ordinal).ToList();
        Assert.True((bool)preview["dryRun"]!);
        Assert.Equal(expected, ResourceTestSupport.Ids(preview));
        Assert.All(preview["items"]!.AsArray(), i => Assert.True((long)i!["sizeBytes"]! >= 0));
        Assert.Equal(preview["items"]!.AsArray().Sum(i => (long)i!["sizeBytes"]!), (long)preview["bytes"]!);
        Assert.False((bool)pruned["dryRun"]!);
        Assert.Equal(ResourceTestSupport.Ids(preview), ResourceTestSupport.Ids(pruned));
        Assert.Empty(pruned["skipped"]!.AsArray());
        await (await _client.GetAsync($"/api/v1/containers/{stoppedA["id"]}")).AssertProblemAsync(404);
        await (await _client.GetAsync($"/api/v1/containers/{running["id"]}")).AssertOkJsonAsync();
        await (await _client.GetAsync($"/api/v1/containers/{kept["id"]}")).AssertOkJsonAsync();
        Assert.Empty((await PruneAsync("containers", dryRun: true))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_volume_prune_takes_only_anonymous_volumes_unless_all_and_matches_its_preview()
    {
        var anonymous = await CreateVolumeAsync(Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"));
        var named = await CreateVolumeAsync(TestContainers.UniqueName("named"));
        var keptAnonymous = await CreateVolumeAsync(Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), new() { ["dockerops.keep"] = "true" });
        var usedNamed = await CreateVolumeAsync(TestContainers.UniqueName("used"));
        await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = TestContainers.UniqueName("user"), image = TestEngine.Image, command = new[] { "sleep", "3600" }, labels = TestContainers.Labels(),
            mounts = new[] { new { type = "volume", source = usedNamed, target = "/data" } }, start = true,
        });

        var anonymousOnly = await PruneAsync("volumes", dryRun: true);
        var all = await PruneAsync("volumes", "&all=true", dryRun: true);
        var pruned = await PruneAsync("volumes");

        Assert.Equal([anonymous], ResourceTestSupport.Ids(anonymousOnly));
        Assert.Contains(anonymousOnly["notes"]!.AsArray(), n => ((string)n!).Contains("anonymous"));
        Assert.Equal(new[] { anonymous, named }.Order(StringComparer.Ordinal), ResourceTestSupport.Ids(all));
        Assert.Equal(ResourceTestSupport.Ids(anonymousOnly), ResourceTestSupport.Ids(pruned));
        await (await _client.GetAsync($"/api/v1/volumes/{anonymous}")).AssertProblemAsync(404);
        foreach (var remaining in new[] { named, keptAnonymous, usedNamed })
            await (await _client.GetAsync($"/api/v1/volumes/{remaining}")).AssertOkJsonAsync();

        var prunedAll = await PruneAsync("volumes", "&all=true");
        Assert.Equal([named], ResourceTestSupport.Ids(prunedAll));
    }

    [Fact]
    public async Task A_network_prune_removes_idle_networks_only()
    {
        var idle = await CreateNetworkAsync(TestContainers.UniqueName("idle"));
        var kept = await CreateNetworkAsync(TestContainers.UniqueName("kept"), new() { ["dockerops.keep"] = "true" });
        var busyName = TestContainers.UniqueName("busy");
        var busy = await CreateNetworkAsync(busyName);
        await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = TestContainers.UniqueName("member"), image = TestEngine.Image, command = new[] { "sleep", "3600" }, labels = TestContainers.Labels(),
            networks = new[] { new { name = busyName } }, start = true,
        });

        var preview = await PruneAsync("networks", dryRun: true);
        var pruned = await PruneAsync("networks");

        Assert.Equal([idle], ResourceTestSupport.Ids(preview));
        Assert.Equal([idle], ResourceTestSupport.Ids(pruned));
        await (await _client.GetAsync($"/api/v1/networks/{idle}")).AssertProblemAsync(404);
        await (await _client.GetAsync($"/api/v1/networks/{kept}")).AssertOkJsonAsync();
        await (await _client.GetAsync($"/api/v1/networks/{busy}")).AssertOkJsonAsync();
    }

    [Fact]
    public async Task An_image_prune_takes_dangling_images_by_default_and_every_unused_one_with_all()
    {
        var dangling = await TestResources.ImportImageAsync();
        var repository = "dockerops-test/prune-" + Guid.NewGuid().ToString("N")[..8];
        var unused = await TestResources.ImportImageAsync(repository, "unused");
        var used = await TestResources.ImportImageAsync(repository, "used");
        var kept = await TestResources.ImportImageAsync(repository, "kept", ["dockerops.keep=true"]);
        await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = TestContainers.UniqueName("img-user"), image = $"{repository}:used", command = new[] { "sleep", "1" }, labels = TestContainers.Labels(), start = false,
        })).AssertOkJsonAsync(201);

        var danglingOnly = await PruneAsync("images", dryRun: true);
        var everyUnused = await PruneAsync("images", "&all=true", dryRun: true);
        var pruned = await PruneAsync("images", "&all=true");

        Assert.Equal([dangling], ResourceTestSupport.Ids(danglingOnly));
        Assert.Equal(new[] { dangling, unused }.Order(StringComparer.Ordinal), ResourceTestSupport.Ids(everyUnused));
        Assert.True((long)everyUnused["bytes"]! > 0);
        Assert.Equal(ResourceTestSupport.Ids(everyUnused), ResourceTestSupport.Ids(pruned));
        Assert.Equal((long)everyUnused["bytes"]!, (long)pruned["bytes"]!);
        await (await _client.GetAsync($"/api/v1/images/{unused}")).AssertProblemAsync(404);
        await (await _client.GetAsync($"/api/v1/images/{used}")).AssertOkJsonAsync();
        await (await _client.GetAsync($"/api/v1/images/{kept}")).AssertOkJsonAsync();
    }

    [Fact]
    public async Task A_system_prune_covers_containers_networks_and_images_and_volumes_only_when_asked()
    {
        var stopped = await TestContainers.CreateAsync(_client, start: false);
        var network = await CreateNetworkAsync(TestContainers.UniqueName("sys"));
        var image = await TestResources.ImportImageAsync();
        var volume = await CreateVolumeAsync(Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"));

        var withoutVolumes = await PruneAsync("system", dryRun: true);
        var withVolumes = await PruneAsync("system", "&volumes=true", dryRun: true);
        var pruned = await PruneAsync("system", "&volumes=true");

        Assert.Equal(new[] { (string)stopped["id"]!, network, image }.Order(StringComparer.Ordinal), ResourceTestSupport.Ids(withoutVolumes));
        Assert.Contains(withoutVolumes["notes"]!.AsArray(), n => ((string)n!).Contains("build cache"));
        Assert.Equal(new[] { (string)stopped["id"]!, network, image, volume }.Order(StringComparer.Ordinal), ResourceTestSupport.Ids(withVolumes));
        Assert.Equal(ResourceTestSupport.Ids(withVolumes), ResourceTestSupport.Ids(pruned));
        Assert.Equal(new[] { "containers", "networks", "images", "buildCache", "volumes" }, pruned["kinds"]!.AsArray().Select(k => (string)k!));
    }

    [Fact]
    public async Task Excluded_labels_and_until_narrow_a_prune()
    {
        var plain = await TestContainers.CreateAsync(_client, start: false);
        await TestContainers.CreateAsync(_client, start: false, labels: new Dictionary<string, string> { ["tier"] = "db" });
        await TestContainers.CreateAsync(_client, start: false, labels: new Dictionary<string, string> { ["team"] = "web" });

        var excluded = await PruneAsync("containers", "&label!=tier=db&label!=team", dryRun: true);
        var onlyOld = await PruneAsync("containers", "&until=1h", dryRun: true);

        Assert.Equal([(string)plain["id"]!], ResourceTestSupport.Ids(excluded));
        Assert.Empty(onlyOld["items"]!.AsArray());
    }

    [Theory]
    [InlineData("until=yesterday", "until")]
    [InlineData("label=%3Dbad", "label")]
    public async Task A_malformed_prune_filter_is_refused_naming_it(string query, string field)
    {
        var problem = await (await _client.PostAsync($"/api/v1/containers/prune?dryRun=true&{query}", null)).AssertProblemAsync(400);

        Assert.Equal(field, (string?)problem["field"]);
    }
}
