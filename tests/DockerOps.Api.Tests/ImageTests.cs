using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class ImageTests(DockerOpsApp app, LocalRegistry registry) : IClassFixture<DockerOpsApp>, IClassFixture<LocalRegistry>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private static string Repository() => "dockerops-test/img-" + Guid.NewGuid().ToString("N")[..10];

    private static string Encoded(string reference) => Uri.EscapeDataString(reference);

    [Fact]
    public async Task Images_are_listed_by_reference_and_label_with_the_containers_using_them_and_inspected_with_layers()
    {
        var repository = Repository();
        var id = await TestResources.ImportImageAsync(repository, "1.0", ["tier=web"]);
        var container = TestContainers.UniqueName("img-user");
        await (await _client.PostJsonAsync("/api/v1/containers", new { name = container, image = $"{repository}:1.0", command = new[] { "true" }, labels = TestContainers.Labels(), start = false }))
            .AssertOkJsonAsync(201);

        var listed = await (await _client.GetAsync($"/api/v1/images?reference={Encoded(repository)}&label=tier=web&{ResourceTestSupport.RunLabelQuery}")).AssertOkJsonAsync();
        var image = Assert.Single(listed.AsArray())!;
        Assert.Equal(id, (string?)image["id"]);
        Assert.Equal([$"{repository}:1.0"], image["tags"]!.AsArray().Select(t => (string)t!));
        Assert.True((bool)image["inUse"]!);
        Assert.Equal(container, (string?)Assert.Single(image["usedBy"]!.AsArray())!["name"]);
        Assert.Empty((await (await _client.GetAsync($"/api/v1/images?reference={Encoded(repository)}&label=tier=db")).AssertOkJsonAsync()).AsArray());

        var details = await (await _client.GetAsync($"/api/v1/images/{Encoded($"{repository}:1.0")}")).AssertOkJsonAsync();
        Assert.Equal(id, (string?)details["id"]);
        Assert.Single(details["layers"]!.AsArray());
        Assert.True((long)details["sizeBytes"]! > 0);
        Assert.Equal("web", (string?)details["labels"]!["tier"]);
        Assert.Equal(container, (string?)Assert.Single(details["usedBy"]!.AsArray())!["name"]);
    }

    [Fact]
    public async Task Dangling_images_are_listed_apart_from_tagged_ones()
    {
        var dangling = await TestResources.ImportImageAsync();
        var tagged = await TestResources.ImportImageAsync(Repository());

        var danglingList = await (await _client.GetAsync($"/api/v1/images?dangling=true&{ResourceTestSupport.RunLabelQuery}")).AssertOkJsonAsync();
        var taggedList = await (await _client.GetAsync($"/api/v1/images?dangling=false&{ResourceTestSupport.RunLabelQuery}")).AssertOkJsonAsync();

        Assert.Contains(danglingList.AsArray(), i => (string?)i!["id"] == dangling && (bool)i["dangling"]!);
        Assert.DoesNotContain(danglingList.AsArray(), i => (string?)i!["id"] == tagged);
        Assert.Contains(taggedList.AsArray(), i => (string?)i!["id"] == tagged);
    }

    [Fact]
    public async Task An_image_is_tagged_and_a_tag_is_removed_without_deleting_the_image()
    {
        var repository = Repository();
        var id = await TestResources.ImportImageAsync(repository, "1.0");

        var tagged = await (await _client.PostJsonAsync($"/api/v1/images/{Encoded(id)}/tag", new { repository = repository + "-copy", tag = "stable" })).AssertOkJsonAsync();
        Assert.Equal($"{repository}-copy:stable", (string?)tagged["tag"]);
        var details = await (await _client.GetAsync($"/api/v1/images/{Encoded(id)}")).AssertOkJsonAsync();
        Assert.Equal(new[] { $"{repository}-copy:stable", $"{repository}:1.0" }.Order(StringComparer.Ordinal), details["tags"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal));

        var untagged = await (await _client.DeleteAsync($"/api/v1/images/{Encoded($"{repository}-copy:stable")}")).AssertOkJsonAsync();
        Assert.Equal($"{repository}-copy:stable", (string?)Assert.Single(untagged.AsArray())!["untagged"]);
        await (await _client.GetAsync($"/api/v1/images/{Encoded(id)}")).AssertOkJsonAsync();

        var badTag = await (await _client.PostJsonAsync($"/api/v1/images/{Encoded(id)}/tag", new { repository = "Not Valid", tag = "x" })).AssertProblemAsync(400);
        Assert.Equal("repository", (string?)badTag["field"]);
    }

    [Fact]
    public async Task An_image_in_use_is_not_removed_without_force_and_the_conflict_names_the_container()
    {
        var repository = Repository();
        var id = await TestResources.ImportImageAsync(repository, "1.0");
        var container = TestContainers.UniqueName("holder");
        await (await _client.PostJsonAsync("/api/v1/containers", new { name = container, image = $"{repository}:1.0", command = new[] { "true" }, labels = TestContainers.Labels(), start = false }))
            .AssertOkJsonAsync(201);

        var conflict = await (await _client.DeleteAsync($"/api/v1/images/{Encoded(id)}")).AssertProblemAsync(409);
        Assert.Contains(container, (string?)conflict["detail"]);
        await (await _client.GetAsync($"/api/v1/images/{Encoded(id)}")).AssertOkJsonAsync();

        var removed = await (await _client.DeleteAsync($"/api/v1/images/{Encoded(id)}?force=true")).AssertOkJsonAsync();
        Assert.Contains(removed.AsArray(), r => (string?)r!["untagged"] == $"{repository}:1.0");
        await (await _client.GetAsync($"/api/v1/images/{Encoded(id)}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task An_image_is_pulled_from_a_local_registry_with_streamed_progress()
    {
        var repository = $"{registry.Address}/dockerops-test/pull-{Guid.NewGuid():N}"[..(registry.Address.Length + 30)];
        var id = await TestResources.ImportImageAsync(repository, "1");
        using (var docker = TestEngine.CreateClient())
        {
            await docker.Images.PushImageAsync($"{repository}:1", new ImagePushParameters { Tag = "1" }, new AuthConfig(), new Progress<JSONMessage>());
            await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true });
        }

        await (await _client.GetAsync($"/api/v1/images/{Encoded($"{repository}:1")}")).AssertProblemAsync(404);

        await ResourceTestSupport.AssertPulledWithProgressAsync(_client, repository, "1", id);

        var details = await (await _client.GetAsync($"/api/v1/images/{Encoded($"{repository}:1")}")).AssertOkJsonAsync();
        Assert.Contains(details["digests"]!.AsArray(), d => ((string)d!).StartsWith(repository + "@sha256:"));
    }

    [Fact]
    public async Task Pulling_an_image_the_registry_does_not_have_says_so()
    {
        var response = await _client.PostJsonAsync("/api/v1/images/pull", new { image = $"{registry.Address}/dockerops-test/missing-{Guid.NewGuid():N}"[..(registry.Address.Length + 30)], tag = "1" });
        var text = await response.Content.ReadAsStringAsync();

        if (response.Content.Headers.ContentType?.MediaType == "application/x-ndjson")
        {
            var last = JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
            Assert.Equal("error", (string?)last["type"]);
            Assert.Equal(404, (int)last["status"]!);
        }
        else
        {
            var problem = await response.AssertProblemAsync(404);
            Assert.Contains("not found", ((string?)problem["detail"])!.ToLowerInvariant());
        }
    }

    [Fact]
    public async Task A_pull_without_an_image_is_refused_naming_the_field()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/images/pull", new { tag = "1" })).AssertProblemAsync(400);

        Assert.Equal("image", (string?)problem["field"]);
    }
}
