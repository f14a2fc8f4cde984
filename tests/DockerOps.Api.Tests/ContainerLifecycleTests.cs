using System.Net;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class ContainerLifecycleTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task A_container_goes_through_every_state_of_the_guide_and_reports_each_change()
    {
        var name = TestContainers.UniqueName("life");
        var created = await TestContainers.CreateAsync(_client, name, start: false);
        Assert.Equal("created", (string?)created["state"]!["status"]);
        Assert.Equal(name, (string?)created["name"]);

        async Task<(string State, bool Changed)> Act(string action)
        {
            var body = await (await _client.PostAsync($"/api/v1/containers/{name}/{action}", null)).AssertOkJsonAsync();
            Assert.Equal(name, (string?)body["name"]);
            Assert.Equal(action, (string?)body["action"]);
            return ((string)body["state"]!, (bool)body["changed"]!);
        }

        Assert.Equal(("running", true), await Act("start"));
        Assert.Equal(("running", false), await Act("start"));
        Assert.Equal(("paused", true), await Act("pause"));
        Assert.Equal(("paused", false), await Act("pause"));
        Assert.Equal(("running", true), await Act("unpause"));
        Assert.Equal(("running", false), await Act("unpause"));
        Assert.Equal(("running", true), await Act("restart"));
        var stopped = await (await _client.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null)).AssertOkJsonAsync();
        Assert.Equal("exited", (string?)stopped["state"]);
        Assert.True((bool)stopped["changed"]!);
        Assert.Equal(("exited", false), await Act("stop"));

        var removed = await (await _client.DeleteAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.True((bool)removed["changed"]!);
        var gone = await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertProblemAsync(404);
        Assert.Contains(name, (string?)gone["detail"]);
    }

    [Fact]
    public async Task Pausing_a_stopped_container_is_a_conflict_with_the_engines_message()
    {
        var name = TestContainers.UniqueName("pause");
        await TestContainers.CreateAsync(_client, name, start: false);

        var problem = await (await _client.PostAsync($"/api/v1/containers/{name}/pause", null)).AssertProblemAsync(409);

        Assert.Contains("not running", (string?)problem["detail"]);
        var details = await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.Equal("created", (string?)details["state"]!["status"]);
    }

    [Fact]
    public async Task Killing_with_a_signal_stops_the_container_and_records_the_exit_code()
    {
        var name = TestContainers.UniqueName("kill");
        await TestContainers.CreateAsync(_client, name);

        var killed = await (await _client.PostAsync($"/api/v1/containers/{name}/kill?signal=SIGKILL", null)).AssertOkJsonAsync();

        Assert.Equal("exited", (string?)killed["state"]);
        var details = await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.Equal(137, (int)details["state"]!["exitCode"]!);
        Assert.NotNull(details["state"]!["finishedAt"]);
    }

    [Fact]
    public async Task Removing_a_running_container_needs_force()
    {
        var name = TestContainers.UniqueName("rm");
        await TestContainers.CreateAsync(_client, name);

        var refused = await (await _client.DeleteAsync($"/api/v1/containers/{name}")).AssertProblemAsync(409);
        Assert.Contains("running", (string?)refused["detail"]);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/v1/containers/{name}")).StatusCode);

        var removed = await (await _client.DeleteAsync($"/api/v1/containers/{name}?force=true&volumes=true")).AssertOkJsonAsync();
        Assert.Equal(name, (string?)removed["name"]);
        await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertProblemAsync(404);
    }
}
