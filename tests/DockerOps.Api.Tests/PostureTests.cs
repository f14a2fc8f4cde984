using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>A service whose operator allows the capability the guide's hardened example adds.</summary>
public sealed class PostureApp() : DockerOpsApp(new Dictionary<string, string?> { ["Security:AllowedCapabilities:0"] = "NET_BIND_SERVICE" });

public sealed class PostureTests(PostureApp app) : IClassFixture<PostureApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    private async Task<JsonNode> StartAsync(object body) => await (await _client.PostJsonAsync("/api/v1/containers", body)).AssertOkJsonAsync(201);

    private static IReadOnlyList<string> Rules(JsonNode posture) => posture["findings"]!.AsArray().Select(f => (string)f!["rule"]!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_container_run_with_the_guides_runtime_options_has_no_findings()
    {
        var name = TestContainers.UniqueName("hardened");
        await StartAsync(new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            user = "65534:65534",
            capDrop = new[] { "ALL" },
            capAdd = new[] { "NET_BIND_SERVICE" },
            noNewPrivileges = true,
            readOnly = true,
            mounts = new[] { new { type = "tmpfs", target = "/tmp" } },
            memory = "64m",
            cpus = 0.5,
            pidsLimit = 50,
            healthcheck = new { test = new[] { "CMD", "true" }, interval = "30s", retries = 3 },
            start = true,
        });

        var posture = await (await _client.GetAsync($"/api/v1/containers/{name}/posture")).AssertOkJsonAsync();

        Assert.Equal(name, (string?)posture["name"]);
        Assert.Empty(posture["findings"]!.AsArray());
    }

    [Fact]
    public async Task A_container_with_docker_defaults_has_the_guides_findings_with_severities_and_fixes()
    {
        var name = TestContainers.UniqueName("defaults");
        await TestContainers.CreateAsync(_client, name);

        var posture = await (await _client.GetAsync($"/api/v1/containers/{name}/posture")).AssertOkJsonAsync();

        Assert.Equal(
            new[] { "default-capabilities", "no-cpu-limit", "no-healthcheck", "no-memory-limit", "no-new-privileges", "no-pids-limit", "root-user", "writable-rootfs" },
            Rules(posture));
        Assert.All(posture["findings"]!.AsArray(), f =>
        {
            Assert.Contains((string?)f!["severity"], new[] { "low", "medium", "high", "critical" });
            Assert.False(string.IsNullOrWhiteSpace((string?)f["fix"]));
        });
    }

    [Fact]
    public async Task Privileges_capabilities_host_namespaces_and_the_docker_socket_are_found()
    {
        // The guard rails rightly refuse to create these through DockerOps, so they are made on the engine
        // directly, as someone with the docker CLI would have made them.
        var socket = new Uri(TestEngine.Host).LocalPath;
        var risky = TestContainers.UniqueName("risky");
        var privileged = TestContainers.UniqueName("priv");
        using (var docker = TestEngine.CreateClient())
        {
            var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = risky,
                Image = TestEngine.Image,
                Cmd = ["sleep", "3600"],
                Labels = TestContainers.Labels(),
                HostConfig = new HostConfig
                {
                    CapAdd = ["SYS_ADMIN", "NET_RAW", "SYS_PTRACE"],
                    Binds = [$"{socket}:/var/run/docker.sock:ro", "/etc:/host-etc:ro"],
                    NetworkMode = "host",
                },
            });
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            // The test engine's own capability bounding set cannot start a privileged container; created is enough to assess it.
            await docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = privileged,
                Image = TestEngine.Image,
                Cmd = ["sleep", "3600"],
                Labels = TestContainers.Labels(),
                HostConfig = new HostConfig { Privileged = true },
            });
        }

        var riskyPosture = await (await _client.GetAsync($"/api/v1/containers/{risky}/posture")).AssertOkJsonAsync();
        var privilegedPosture = await (await _client.GetAsync($"/api/v1/containers/{privileged}/posture")).AssertOkJsonAsync();

        var findings = riskyPosture["findings"]!.AsArray();
        Assert.Equal("critical", (string?)findings.First()!["severity"]);
        Assert.Contains(findings, f => (string?)f!["rule"] == "docker-socket" && (string?)f["severity"] == "critical");
        Assert.Contains(findings, f => (string?)f!["rule"] == "sensitive-host-path" && ((string)f["detail"]!).Contains("/etc"));
        Assert.Contains(findings, f => (string?)f!["rule"] == "host-network");
        var capabilities = findings.Where(f => (string?)f!["rule"] == "capability-added").Select(f => (string)f!["title"]!).ToList();
        Assert.Equal(3, capabilities.Count);
        Assert.Contains(capabilities, t => t.Contains("SYS_ADMIN"));
        Assert.Contains(privilegedPosture["findings"]!.AsArray(), f => (string?)f!["rule"] == "privileged" && (string?)f["severity"] == "critical");
    }

    [Fact]
    public async Task The_host_report_covers_running_containers_and_counts_findings_by_severity()
    {
        var running = TestContainers.UniqueName("report");
        await TestContainers.CreateAsync(_client, running);
        var stopped = TestContainers.UniqueName("stopped");
        await TestContainers.CreateAsync(_client, stopped, start: false);

        var report = await (await _client.GetAsync("/api/v1/posture")).AssertOkJsonAsync();

        var containers = report["containers"]!.AsArray();
        Assert.Contains(containers, c => (string?)c!["name"] == running);
        Assert.DoesNotContain(containers, c => (string?)c!["name"] == stopped);
        Assert.Equal(containers.Count, (int)report["containersChecked"]!);
        var all = containers.SelectMany(c => c!["findings"]!.AsArray()).ToList();
        foreach (var severity in new[] { "critical", "high", "medium", "low" })
            Assert.Equal(all.Count(f => (string?)f!["severity"] == severity), (int)report["summary"]![severity]!);
    }

    [Fact]
    public async Task The_posture_of_an_unknown_container_is_not_found()
    {
        var problem = await (await _client.GetAsync($"/api/v1/containers/{TestContainers.UniqueName("ghost")}/posture")).AssertProblemAsync(404);

        Assert.Contains("ghost", (string?)problem["detail"]);
    }
}
