using System.Net;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>A host that allows one folder for binds, /var/run (to prove the socket stays out anyway), and one capability.</summary>
public sealed class GuardRailApp() : DockerOpsApp(new Dictionary<string, string?>
{
    ["Security:AllowedBindPaths:0"] = AllowedFolder,
    ["Security:AllowedBindPaths:1"] = "/var/run",
    ["Security:AllowedCapabilities:0"] = "NET_ADMIN",
})
{
    public static readonly string AllowedFolder = Directory.CreateTempSubdirectory("dockerops-allowed-").FullName;

    public override Task DisposeAsync()
    {
        DeleteOnDispose(AllowedFolder);
        return base.DisposeAsync();
    }
}

public sealed class GuardRailTests(GuardRailApp app) : IClassFixture<GuardRailApp>, IAsyncLifetime
{
    private readonly HttpClient _admin = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    public static TheoryData<string, string, string> Refusals => new()
    {
        { """{"privileged": true}""", "privileged", "Privileged containers are not allowed" },
        { """{"pidMode": "host"}""", "pidMode", "Security:AllowHostNamespaces" },
        { """{"ipcMode": "host"}""", "ipcMode", "Security:AllowHostNamespaces" },
        { """{"networkMode": "host"}""", "networkMode", "Security:AllowHostNamespaces" },
        { """{"pidMode": "container:dockerops"}""", "pidMode", "shares a namespace" },
        { """{"devices": ["/dev/fuse"]}""", "devices[0]", "Security:AllowDevices" },
        { """{"mounts": [{"type": "bind", "source": "/etc", "target": "/host-etc"}]}""", "mounts[0].source", "outside Security:AllowedBindPaths" },
        { """{"mounts": [{"type": "bind", "source": "/", "target": "/host"}]}""", "mounts[0].source", "root filesystem" },
        { """{"mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}]}""", "mounts[0].source", "Docker socket" },
        { """{"mounts": [{"type": "bind", "source": "/var/run", "target": "/host-run"}]}""", "mounts[0].source", "Docker socket" },
        { """{"mounts": [{"type": "tmpfs", "target": "/t"}, {"type": "bind", "source": "ALLOWED/../../etc", "target": "/x"}]}""", "mounts[1].source", "outside Security:AllowedBindPaths" },
        { """{"capAdd": ["NET_ADMIN", "SYS_ADMIN"]}""", "capAdd[1]", "Adding capability 'SYS_ADMIN' is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Creation_that_would_hand_out_the_host_is_refused_naming_the_field(string extra, string field, string reason)
    {
        var name = TestContainers.UniqueName("guard");
        var body = Body(name);
        foreach (var (key, value) in JsonNode.Parse(extra.Replace("ALLOWED", GuardRailApp.AllowedFolder))!.AsObject())
            body[key] = value?.DeepClone();

        var refused = await (await _admin.PostJsonAsync("/api/v1/containers", body)).AssertProblemAsync(403);

        Assert.Equal(field, (string?)refused["field"]);
        Assert.Contains(reason, (string?)refused["detail"]);
        await (await _admin.GetAsync($"/api/v1/containers/{name}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Binds_inside_the_allow_list_and_allowed_capabilities_are_created()
    {
        var name = TestContainers.UniqueName("allowed");
        var body = Body(name);
        body["mounts"] = new JsonArray(new JsonObject { ["type"] = "bind", ["source"] = GuardRailApp.AllowedFolder, ["target"] = "/shared", ["readOnly"] = true });
        body["capAdd"] = new JsonArray("CAP_NET_ADMIN");

        var created = await (await _admin.PostJsonAsync("/api/v1/containers", body)).AssertOkJsonAsync(201);

        Assert.Equal(GuardRailApp.AllowedFolder, (string?)created["mounts"]![0]!["source"]);
        Assert.Contains("CAP_NET_ADMIN", created["security"]!["capAdd"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task A_symbolic_link_in_an_allowed_folder_is_bound_only_when_it_leads_inside_the_allow_list()
    {
        // Links any container with the folder writable could plant: the engine would follow them when binding.
        string Link(string target)
        {
            var link = Path.Combine(GuardRailApp.AllowedFolder, $"link-{Guid.NewGuid():N}");
            Directory.CreateSymbolicLink(link, target);
            return link;
        }

        var inside = Directory.CreateDirectory(Path.Combine(GuardRailApp.AllowedFolder, $"inside-{Guid.NewGuid():N}")).Name;
        var refusals = new[]
        {
            (Link("/etc"), "leads through a symbolic link to '/etc', which is outside Security:AllowedBindPaths"),
            (Link("/run"), "leads through a symbolic link to '/run', which is or contains the Docker socket"),
            (Link("../../.."), "leads through a symbolic link to '/', which is the host's root filesystem"),
            (Path.Combine(Link(Link("/")), "etc"), "leads through a symbolic link to '/etc'"),
        };
        foreach (var (source, reason) in refusals)
        {
            var name = TestContainers.UniqueName("link");
            var body = Body(name);
            body["mounts"] = new JsonArray(new JsonObject { ["type"] = "bind", ["source"] = source, ["target"] = "/linked" });

            var refused = await (await _admin.PostJsonAsync("/api/v1/containers", body)).AssertProblemAsync(403);

            Assert.Equal("mounts[0].source", (string?)refused["field"]);
            Assert.Contains(reason, (string?)refused["detail"]);
            await (await _admin.GetAsync($"/api/v1/containers/{name}")).AssertProblemAsync(404);
        }

        var allowed = Body(TestContainers.UniqueName("link"));
        var staysInside = Link(inside);
        allowed["mounts"] = new JsonArray(new JsonObject { ["type"] = "bind", ["source"] = staysInside, ["target"] = "/linked", ["readOnly"] = true });
        var created = await (await _admin.PostJsonAsync("/api/v1/containers", allowed)).AssertOkJsonAsync(201);
        Assert.Equal(staysInside, (string?)created["mounts"]![0]!["source"]);
    }

    [Fact]
    public async Task A_protected_container_is_only_disrupted_by_an_admin_passing_force()
    {
        var name = TestContainers.UniqueName("prot");
        await TestContainers.CreateAsync(_admin, name, labels: new Dictionary<string, string> { ["dockerops.protected"] = "true" });
        using var op = await app.CreateClientWithRole(Role.Operator);

        foreach (var (method, action) in new[] { ("POST", "stop?timeout=1"), ("POST", "kill"), ("POST", "pause"), ("DELETE", "") })
        {
            var path = $"/api/v1/containers/{name}" + (action.Length > 0 ? "/" + action : "");
            var sep = path.Contains('?') ? "&" : "?";
            var byOperator = await (await op.SendAsync(new HttpRequestMessage(new HttpMethod(method), path + sep + "force=true"))).AssertProblemAsync(403);
            if (method == "POST")
                Assert.Contains("only an admin passing force=true", (string?)byOperator["detail"]);
            var byAdmin = await (await _admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).AssertProblemAsync(403);
            Assert.Contains("is protected (label dockerops.protected=true)", (string?)byAdmin["detail"]);
            Assert.Contains("pass force=true", (string?)byAdmin["detail"]);
        }

        var details = await (await _admin.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.Equal("running", (string?)details["state"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync($"/api/v1/containers/{name}/restart?timeout=1", null)).StatusCode);

        var stopped = await (await _admin.PostAsync($"/api/v1/containers/{name}/stop?timeout=1&force=true", null)).AssertOkJsonAsync();
        Assert.Equal("exited", (string?)stopped["state"]);
        var removed = await (await _admin.DeleteAsync($"/api/v1/containers/{name}?force=true")).AssertOkJsonAsync();
        Assert.True((bool)removed["changed"]!);
    }

    private static JsonObject Body(string name) => new()
    {
        ["name"] = name,
        ["image"] = TestEngine.Image,
        ["command"] = new JsonArray("sleep", "3600"),
        ["labels"] = new JsonObject { [TestEngine.Label] = TestEngine.RunId },
    };
}

public sealed class OwnContainerTests
{
    [Fact]
    public void The_own_container_is_found_in_cgroup_v1_paths_in_the_v2_mount_table_and_from_the_hostname_only_inside_docker()
    {
        var id = new string('a', 60) + "1234";
        Assert.Equal([id], OwnContainer.Detect($"12:pids:/docker/{id}\n0::/system.slice/docker-{id}.scope\n", "", "web-1", false));
        Assert.Equal([id], OwnContainer.Detect("0::/\n", $"1234 100 0:1 /docker/containers/{id}/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", "x", false));
        Assert.Equal(["abcdef012345"], OwnContainer.Detect("0::/\n", "", "abcdef012345", true));
        Assert.Empty(OwnContainer.Detect("0::/user.slice\n", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", "abcdef012345", false));
    }

    [Fact]
    public async Task DockerOpss_own_container_is_protected_like_a_labelled_one()
    {
        using var docker = TestEngine.CreateClient();
        await TestEngine.EnsureReadyAsync();
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = TestContainers.UniqueName("self"),
            Image = TestEngine.Image,
            Cmd = ["sleep", "3600"],
            Labels = new Dictionary<string, string> { [TestEngine.Label] = TestEngine.RunId },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            await using var app = new ConfiguredApp(new Dictionary<string, string?> { ["Security:OwnContainerId"] = created.ID[..12] });
            await app.InitializeAsync();
            using var admin = app.CreateClient();

            var refused = await (await admin.PostAsync($"/api/v1/containers/{created.ID[..12]}/kill", null)).AssertProblemAsync(403);

            Assert.Contains("it runs DockerOps itself", (string?)refused["detail"]);
            var inspected = await docker.Containers.InspectContainerAsync(created.ID);
            Assert.True(inspected.State.Running);
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
