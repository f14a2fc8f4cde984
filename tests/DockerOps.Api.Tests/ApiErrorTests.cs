using System.Net.Http.Headers;
using System.Text;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Every error is problem+json that says what was wrong, and a failed create leaves nothing behind.</summary>
public sealed class ApiErrorTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Theory]
    [InlineData("""{"image":"busybox","colour":"blue"}""", "colour")]
    [InlineData("""{"image":"busybox","healthcheck":{"test":["CMD","true"],"every":"1s"}}""", "healthcheck.every")]
    [InlineData("""{"image":"busybox","ports":[{"containerPort":80,"publish":true}]}""", "ports[0].publish")]
    public async Task An_unknown_field_is_refused_by_name(string body, string field)
    {
        var problem = await (await PostAsync(body)).AssertProblemAsync(400);

        Assert.Equal(field, (string?)problem["field"]);
        Assert.Contains(field, (string?)problem["detail"]);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Theory]
    [InlineData("""{"image":"busybox","memory":"lots"}""", "memory")]
    [InlineData("""{"image":"busybox","memory":"1k"}""", "memory")]
    [InlineData("""{"image":"busybox","healthcheck":{"test":["CMD","true"],"interval":"soon"}}""", "healthcheck.interval")]
    [InlineData("""{"image":"busybox","healthcheck":{"test":[]}}""", "healthcheck.test")]
    [InlineData("""{"image":"busybox","ports":[{"containerPort":0}]}""", "ports[0].containerPort")]
    [InlineData("""{"image":"busybox","ports":[{"containerPort":80,"hostIp":"localhost"}]}""", "ports[0].hostIp")]
    [InlineData("""{"image":"busybox","ports":[{"containerPort":80,"protocol":"icmp"}]}""", "ports[0].protocol")]
    [InlineData("""{"image":"busybox","mounts":[{"type":"nfs","target":"/data"}]}""", "mounts[0].type")]
    [InlineData("""{"image":"busybox","mounts":[{"type":"bind","source":"relative/path","target":"/data"}]}""", "mounts[0].source")]
    [InlineData("""{"image":"busybox","mounts":[{"type":"tmpfs","target":"data"}]}""", "mounts[0].target")]
    [InlineData("""{"image":"busybox","restartPolicy":"sometimes"}""", "restartPolicy")]
    [InlineData("""{"image":"busybox","cpus":0}""", "cpus")]
    [InlineData("""{"image":"busybox","pidsLimit":0}""", "pidsLimit")]
    [InlineData("""{"image":"busybox","capAdd":["net admin"]}""", "capAdd[0]")]
    [InlineData("""{"image":"busybox","name":"-bad name"}""", "name")]
    [InlineData("""{"name":"no-image"}""", "image")]
    [InlineData("""{"image":"busybox","networks":[{"aliases":["a"]}]}""", "networks[0].name")]
    [InlineData("""{"image":"busybox","memory":256}""", "memory")]
    [InlineData("""{"image":"busybox","start":"yes"}""", "start")]
    [InlineData("""{"image":"busybox","ports":[{"containerPort":"http"}]}""", "ports[0].containerPort")]
    public async Task A_bad_value_is_refused_naming_the_field(string body, string field)
    {
        var problem = await (await PostAsync(body)).AssertProblemAsync(400);

        Assert.Equal(field, (string?)problem["field"]);
        Assert.Equal("Invalid input", (string?)problem["title"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request_about_the_body()
    {
        var problem = await (await PostAsync("""{"image": "busybox",""")).AssertProblemAsync(400);

        Assert.Equal("body", (string?)problem["field"]);
        Assert.Contains("JSON", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_missing_body_is_a_bad_request_about_the_body()
    {
        var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var problem = await (await _client.PostAsync("/api/v1/containers", empty)).AssertProblemAsync(400);

        Assert.Equal("body", (string?)problem["field"]);
    }

    [Fact]
    public async Task A_bad_query_parameter_type_is_a_bad_request_naming_it()
    {
        var problem = await (await _client.PostAsync("/api/v1/containers/whatever/stop?timeout=soon", null)).AssertProblemAsync(400);

        Assert.Equal("timeout", (string?)problem["field"]);
    }

    [Theory]
    [InlineData("GET", "/api/v1/nope")]
    [InlineData("GET", "/nothing/here")]
    [InlineData("POST", "/api/v1/containers/web/explode")]
    public async Task An_unknown_route_is_a_problem_not_an_empty_404(string method, string path)
    {
        var problem = await (await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).AssertProblemAsync(404);

        Assert.Equal("Not Found", (string?)problem["title"]);
    }

    [Fact]
    public async Task A_container_that_cannot_start_is_not_left_behind()
    {
        var name = TestContainers.UniqueName("nope");

        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "/nope" },
            labels = TestContainers.Labels(),
            start = true,
        })).AssertProblemAsync(400);

        Assert.Equal("command", (string?)problem["field"]);
        Assert.Contains("/nope", (string?)problem["detail"]);
        await AssertNothingLeftAsync(name);
    }

    [Fact]
    public async Task A_user_the_image_does_not_know_is_a_bad_request_naming_user_and_leaves_nothing_behind()
    {
        var name = TestContainers.UniqueName("who");

        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            user = "nosuchuser",
            labels = TestContainers.Labels(),
            start = true,
        })).AssertProblemAsync(400);

        Assert.Equal("user", (string?)problem["field"]);
        Assert.Contains("nosuchuser", (string?)problem["detail"]);
        await AssertNothingLeftAsync(name);
    }

    [Fact]
    public async Task Publishing_a_host_port_that_is_taken_is_a_conflict_and_leaves_nothing_behind()
    {
        var first = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name = TestContainers.UniqueName("port"),
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            ports = new[] { new { hostIp = "127.0.0.1", containerPort = 80 } },
            start = true,
        })).AssertOkJsonAsync(201);
        var taken = (int)first["ports"]![0]!["hostPort"]!;
        var name = TestContainers.UniqueName("port");

        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            ports = new[] { new { hostIp = "127.0.0.1", hostPort = taken, containerPort = 80 } },
            start = true,
        })).AssertProblemAsync(409);

        Assert.Contains("port is already allocated", (string?)problem["detail"]);
        await AssertNothingLeftAsync(name);
    }

    [Fact]
    public async Task An_image_without_a_default_command_needs_one_and_the_field_is_named()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            image = TestEngine.Image,
            labels = TestContainers.Labels(),
        })).AssertProblemAsync(400);

        Assert.Equal("command", (string?)problem["field"]);
    }

    private async Task AssertNothingLeftAsync(string name)
    {
        await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertProblemAsync(404);
        using var docker = TestEngine.CreateClient();
        var left = await docker.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        });
        Assert.Empty(left);
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _client.PostAsync("/api/v1/containers", new StringContent(json, Encoding.UTF8, "application/json"));
}
