using System.Net;
using DockerOps.Core.Access;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class ScopeTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _admin = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task A_scoped_operator_restarts_its_own_container_but_others_do_not_exist_for_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var api = $"api-1-{suffix}";
        var db = $"db-1-{suffix}";
        await TestContainers.CreateAsync(_admin, api);
        await TestContainers.CreateAsync(_admin, db);
        using var scoped = await app.CreateClientWithRole(Role.Operator, new AccessScope(["api-*"], [], []));

        var restarted = await (await scoped.PostAsync($"/api/v1/containers/{api}/restart?timeout=1", null)).AssertOkJsonAsync();
        Assert.Equal(api, (string?)restarted["name"]);
        Assert.Equal("running", (string?)restarted["state"]);

        var hidden = await (await scoped.PostAsync($"/api/v1/containers/{db}/restart?timeout=1", null)).AssertProblemAsync(404);
        Assert.Equal($"No container matches '{db}'.", (string?)hidden["detail"]);
        await (await scoped.GetAsync($"/api/v1/containers/{db}")).AssertProblemAsync(404);
        await (await scoped.GetAsync($"/api/v1/containers/{db}/logs")).AssertProblemAsync(404);

        var listed = (await (await scoped.GetAsync($"/api/v1/containers?all=true&label={TestEngine.Label}={TestEngine.RunId}")).AssertOkJsonAsync()).AsArray();
        var names = listed.Select(c => (string?)c!["name"]).ToList();
        Assert.Contains(api, names);
        Assert.DoesNotContain(db, names);
        Assert.All(names, n => Assert.StartsWith("api-", n));

        var adminList = (await (await _admin.GetAsync($"/api/v1/containers?all=true&label={TestEngine.Label}={TestEngine.RunId}")).AssertOkJsonAsync()).AsArray();
        Assert.Contains(db, adminList.Select(c => (string?)c!["name"]));
    }

    [Fact]
    public async Task A_label_scope_shows_only_containers_carrying_that_label()
    {
        var payments = TestContainers.UniqueName("pay");
        var other = TestContainers.UniqueName("other");
        await TestContainers.CreateAsync(_admin, payments, labels: new Dictionary<string, string> { ["team"] = "payments" });
        await TestContainers.CreateAsync(_admin, other, labels: new Dictionary<string, string> { ["team"] = "search" });
        using var viewer = await app.CreateClientWithRole(Role.Viewer, new AccessScope([], ["team=payments"], []));

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/containers/{payments}")).StatusCode);
        await (await viewer.GetAsync($"/api/v1/containers/{other}")).AssertProblemAsync(404);
        var listed = (await (await viewer.GetAsync($"/api/v1/containers?label={TestEngine.Label}={TestEngine.RunId}")).AssertOkJsonAsync()).AsArray();
        Assert.Equal(new[] { payments }, listed.Select(c => (string?)c!["name"]).Where(n => n == payments || n == other).ToArray());

        var me = await (await viewer.GetAsync("/api/v1/me")).AssertOkJsonAsync();
        Assert.False((bool)me["scope"]!["unrestricted"]!);
    }
}
