using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class VolumeTests(PermissiveCreateApp app) : IClassFixture<PermissiveCreateApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private async Task<JsonNode> CreateVolumeAsync(string name, Dictionary<string, string>? labels = null, bool inMemory = false)
    {
        var response = await _client.PostJsonAsync("/api/v1/volumes", new
        {
            name,
            driver = "local",
            // A tmpfs-backed volume loses its content when no container mounts it, so only some tests use one.
            driverOptions = inMemory ? new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = "size=8m" } : null,
            labels = TestContainers.Labels(labels),
        });
        return await response.AssertOkJsonAsync(201);
    }

    [Fact]
    public async Task A_volume_is_created_listed_by_label_inspected_and_removed()
    {
        var name = TestContainers.UniqueName("vol");
        var created = await CreateVolumeAsync(name, new() { ["tier"] = "data" }, inMemory: true);
        Assert.Equal(name, (string?)created["name"]);
        Assert.Equal("local", (string?)created["driver"]);
        Assert.Equal("tmpfs", (string?)created["options"]!["type"]);
        Assert.False((bool)created["anonymous"]!);

        var listed = await (await _client.GetAsync($"/api/v1/volumes?{ResourceTestSupport.RunLabelQuery}&label=tier=data&dangling=true&driver=local")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)Assert.Single(listed.AsArray())!["name"]);

        var inspected = await (await _client.GetAsync($"/api/v1/volumes/{name}")).AssertOkJsonAsync();
        Assert.Equal("data", (string?)inspected["labels"]!["tier"]);
        Assert.Empty(inspected["usedBy"]!.AsArray());

        var removed = await (await _client.DeleteAsync($"/api/v1/volumes/{name}")).AssertOkJsonAsync();
        Assert.True((bool)removed["removed"]!);
        await (await _client.GetAsync($"/api/v1/volumes/{name}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Creating_a_volume_that_exists_or_with_a_bad_name_is_refused()
    {
        var name = TestContainers.UniqueName("dup");
        await CreateVolumeAsync(name);

        var again = await (await _client.PostJsonAsync("/api/v1/volumes", new { name, labels = TestContainers.Labels() })).AssertProblemAsync(409);
        Assert.Contains(name, (string?)again["detail"]);
        var bad = await (await _client.PostJsonAsync("/api/v1/volumes", new { name = "../etc", labels = TestContainers.Labels() })).AssertProblemAsync(400);
        Assert.Equal("name", (string?)bad["field"]);
    }

    [Fact]
    public async Task A_volume_in_use_is_not_removed_without_force_and_the_conflict_names_the_container()
    {
        var name = TestContainers.UniqueName("busy");
        await CreateVolumeAsync(name);
        var container = TestContainers.UniqueName("user");
        await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = container,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            mounts = new[] { new { type = "volume", source = name, target = "/data" } },
            start = true,
        })).AssertOkJsonAsync(201);

        var listed = await (await _client.GetAsync($"/api/v1/volumes/{name}")).AssertOkJsonAsync();
        Assert.Equal(container, (string?)Assert.Single(listed["usedBy"]!.AsArray())!["name"]);
        var dangling = await (await _client.GetAsync($"/api/v1/volumes?{ResourceTestSupport.RunLabelQuery}&dangling=true")).AssertOkJsonAsync();
        Assert.DoesNotContain(dangling.AsArray(), v => (string?)v!["name"] == name);

        var conflict = await (await _client.DeleteAsync($"/api/v1/volumes/{name}")).AssertProblemAsync(409);
        Assert.Contains(container, (string?)conflict["detail"]);
        await (await _client.GetAsync($"/api/v1/volumes/{name}")).AssertOkJsonAsync();

        await (await _client.DeleteAsync($"/api/v1/volumes/{name}?force=true")).AssertOkJsonAsync();
        await (await _client.GetAsync($"/api/v1/volumes/{name}")).AssertProblemAsync(404);
        await (await _client.GetAsync($"/api/v1/containers/{container}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task A_named_volume_written_by_one_container_is_read_by_another()
    {
        var name = TestContainers.UniqueName("shared");
        await CreateVolumeAsync(name);
        var mount = new object[] { new { type = "volume", source = name, target = "/shared" } };

        await ResourceTestSupport.RunToCompletionAsync(_client, ["sh", "-c", "echo written-by-producer > /shared/message"], mount);
        var read = await ResourceTestSupport.RunToCompletionAsync(_client, ["cat", "/shared/message"], mount);

        Assert.Equal("written-by-producer", read.Trim());
    }

    [Fact]
    public async Task The_guides_volume_kinds_show_on_a_containers_mounts()
    {
        var name = TestContainers.UniqueName("kinds");
        await CreateVolumeAsync(name);
        var container = TestContainers.UniqueName("mounts");
        // A folder of its own: /tmp itself may hold the engine's socket, which is never bound.
        var hostFolder = Directory.CreateTempSubdirectory("dockerops-kinds-").FullName;
        try
        {
            var details = await (await _client.PostJsonAsync("/api/v1/containers", new
            {
                name = container,
                image = TestEngine.Image,
                command = new[] { "sleep", "3600" },
                labels = TestContainers.Labels(),
                mounts = new object[]
                {
                    new { type = "volume", source = name, target = "/named" },
                    new { type = "volume", target = "/anonymous" },
                    new { type = "bind", source = hostFolder, target = "/host-tmp", readOnly = true },
                    new { type = "tmpfs", target = "/scratch" },
                },
                start = true,
            })).AssertOkJsonAsync(201);

            var mounts = details["mounts"]!.AsArray();
            Assert.Equal(name, (string?)mounts.Single(m => (string?)m!["destination"] == "/named")!["name"]);
            var anonymous = (string?)mounts.Single(m => (string?)m!["destination"] == "/anonymous")!["name"];
            Assert.Matches("^[0-9a-f]{64}$", anonymous);
            Assert.Equal("bind", (string?)mounts.Single(m => (string?)m!["destination"] == "/host-tmp")!["type"]);
            Assert.Equal("tmpfs", (string?)mounts.Single(m => (string?)m!["destination"] == "/scratch")!["type"]);

            var volume = await (await _client.GetAsync($"/api/v1/volumes/{anonymous}")).AssertOkJsonAsync();
            Assert.True((bool)volume["anonymous"]!);
            await (await _client.DeleteAsync($"/api/v1/containers/{container}?force=true&volumes=true")).AssertOkJsonAsync();
        }
        finally
        {
            Directory.Delete(hostFolder, recursive: true);
        }
    }
}
