using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>What a caller may put in <c>{ref}</c>: names, compose services, IDs and ID prefixes.</summary>
public sealed class ContainerReferenceTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task A_container_is_found_by_name_slash_name_full_id_and_unique_id_prefix()
    {
        var name = TestContainers.UniqueName("ref");
        var id = (string)(await TestContainers.CreateAsync(_client, name, start: false))["id"]!;

        foreach (var reference in new[] { name, "%2F" + name, id, id[..12], id.ToUpperInvariant()[..16] })
        {
            var details = await (await _client.GetAsync($"/api/v1/containers/{reference}")).AssertOkJsonAsync();
            Assert.Equal(id, (string?)details["id"]);
        }
    }

    [Fact]
    public async Task A_compose_service_names_its_container_and_project_slash_service_picks_one_of_several()
    {
        var service = TestContainers.UniqueName("svc");
        var shop = TestContainers.UniqueName("shop");
        var blog = TestContainers.UniqueName("blog");
        var shopApi = await CreateComposeAsync(shop, service);
        var blogApi = await CreateComposeAsync(blog, service);
        var lone = TestContainers.UniqueName("lone");
        var loneApi = await CreateComposeAsync(shop, lone);

        var byService = await (await _client.GetAsync($"/api/v1/containers/{lone}")).AssertOkJsonAsync();
        Assert.Equal(loneApi, (string?)byService["name"]);
        Assert.Equal(shop, (string?)byService["project"]);
        Assert.Equal(lone, (string?)byService["service"]);

        var byProject = await (await _client.GetAsync($"/api/v1/containers/{blog}%2F{service}")).AssertOkJsonAsync();
        Assert.Equal(blogApi, (string?)byProject["name"]);

        var ambiguous = await (await _client.GetAsync($"/api/v1/containers/{service}")).AssertProblemAsync(409);
        Assert.Equal(new[] { blogApi, shopApi }.Order(StringComparer.Ordinal), ambiguous["candidates"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("2 containers", (string?)ambiguous["detail"]);

        // Actions resolve the same way.
        var started = await (await _client.PostAsync($"/api/v1/containers/{shop}%2F{service}/start", null)).AssertOkJsonAsync();
        Assert.Equal(shopApi, (string?)started["name"]);
        await (await _client.PostAsync($"/api/v1/containers/{service}/stop", null)).AssertProblemAsync(409);
    }

    [Fact]
    public async Task A_reference_that_matches_nothing_is_not_found_with_the_reference_in_the_detail()
    {
        var ghost = TestContainers.UniqueName("ghost");

        var problem = await (await _client.GetAsync($"/api/v1/containers/{ghost}")).AssertProblemAsync(404);
        Assert.Equal($"No container matches '{ghost}'.", (string?)problem["detail"]);
        Assert.Equal($"/api/v1/containers/{ghost}", (string?)problem["instance"]);

        await (await _client.PostAsync($"/api/v1/containers/{ghost}/restart", null)).AssertProblemAsync(404);
        await (await _client.DeleteAsync($"/api/v1/containers/{ghost}")).AssertProblemAsync(404);
    }

    private async Task<string> CreateComposeAsync(string project, string service)
    {
        var name = $"{project}-{service}-1";
        await TestContainers.CreateAsync(_client, name, start: false, labels: new Dictionary<string, string>
        {
            ["com.docker.compose.project"] = project,
            ["com.docker.compose.service"] = service,
        });
        return name;
    }
}
