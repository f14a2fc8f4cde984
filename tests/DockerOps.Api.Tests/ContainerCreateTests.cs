using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>
/// The service as an operator would configure it to allow what the full spec asks for: binds under
/// the temp folder and NET_ADMIN. The guard rails themselves are GuardRailTests' subject.
/// </summary>
public sealed class PermissiveCreateApp() : DockerOpsApp(new Dictionary<string, string?>
{
    ["Security:AllowedBindPaths:0"] = Path.GetTempPath(),
    ["Security:AllowedCapabilities:0"] = "NET_ADMIN",
});

/// <summary>Every option of the create spec survives the trip to the engine and back.</summary>
public sealed class ContainerCreateTests(PermissiveCreateApp app) : IClassFixture<PermissiveCreateApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();
    private readonly string _network = TestContainers.UniqueName("net");
    private readonly string _volume = TestContainers.UniqueName("vol");
    private readonly string _bindSource = Directory.CreateTempSubdirectory("dockerops-bind-").FullName;

    public async Task InitializeAsync()
    {
        using var docker = TestEngine.CreateClient();
        var labels = TestContainers.Labels();
        await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = _network, Driver = "bridge", Labels = labels });
        await docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = _volume, Labels = labels });
    }

    public async Task DisposeAsync()
    {
        await TestEngine.RemoveRunResourcesAsync();
        using var docker = TestEngine.CreateClient();
        await docker.Networks.DeleteNetworkAsync(_network);
        await docker.Volumes.RemoveAsync(_volume, force: true);
        Directory.Delete(_bindSource, recursive: true);
    }

    [Fact]
    public async Task A_full_create_spec_is_started_and_every_option_shows_in_the_details()
    {
        var name = TestContainers.UniqueName("spec");
        var response = await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            env = new Dictionary<string, string> { ["GREETING"] = "hello", ["SECRET_TOKEN"] = "do-not-echo" },
            labels = TestContainers.Labels(new Dictionary<string, string> { ["team"] = "payments" }),
            ports = new[] { new { hostIp = "127.0.0.1", hostPort = (int?)null, containerPort = 8080, protocol = "tcp" } },
            mounts = new object[]
            {
                new { type = "volume", source = _volume, target = "/data", readOnly = false },
                new { type = "volume", target = "/anon" },
                new { type = "bind", source = _bindSource, target = "/host", readOnly = true },
                new { type = "tmpfs", target = "/scratch" },
            },
            networks = new[] { new { name = _network, aliases = new[] { "payments-api", "api" } } },
            restartPolicy = "on-failure:3",
            healthcheck = new { test = new[] { "CMD-SHELL", "true" }, interval = "1s", timeout = "2s", retries = 2, startPeriod = "1m30s" },
            memory = "64m",
            cpus = 0.5,
            pidsLimit = 50,
            user = "nobody",
            readOnly = true,
            capAdd = new[] { "NET_ADMIN" },
            capDrop = new[] { "MKNOD" },
            noNewPrivileges = true,
            start = true,
        });

        var created = await response.AssertOkJsonAsync(201);
        var id = (string)created["id"]!;
        Assert.Equal($"/api/v1/containers/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("running", (string?)created["state"]!["status"]);

        var details = await (await _client.GetAsync(response.Headers.Location)).AssertOkJsonAsync();
        Assert.Equal(id, (string?)details["id"]);
        Assert.Equal(name, (string?)details["name"]);
        Assert.Equal(TestEngine.Image, (string?)details["image"]);
        Assert.True((bool)details["state"]!["running"]!);
        Assert.NotNull(details["state"]!["startedAt"]);
        Assert.Equal("payments", (string?)details["labels"]!["team"]);

        var config = details["config"]!;
        Assert.Equal(["sleep", "3600"], Strings(config["command"]));
        Assert.Contains("GREETING", Strings(config["envNames"]));
        Assert.DoesNotContain("do-not-echo", details.ToJsonString());
        Assert.Equal("on-failure", (string?)config["restartPolicy"]);
        Assert.Equal(3, (int)config["restartMaxRetries"]!);

        var port = Assert.Single(details["ports"]!.AsArray())!;
        Assert.Equal("127.0.0.1", (string?)port["hostIp"]);
        Assert.InRange((int)port["hostPort"]!, 1, 65535);
        Assert.Equal(8080, (int)port["containerPort"]!);
        Assert.Equal("tcp", (string?)port["protocol"]);

        var mounts = details["mounts"]!.AsArray().ToDictionary(m => (string)m!["destination"]!);
        Assert.Equal("volume", (string?)mounts["/data"]!["type"]);
        Assert.Equal(_volume, (string?)mounts["/data"]!["name"]);
        Assert.False((bool)mounts["/data"]!["readOnly"]!);
        Assert.Equal("volume", (string?)mounts["/anon"]!["type"]);
        Assert.Matches("^[0-9a-f]{64}$", (string?)mounts["/anon"]!["name"]);
        Assert.Equal("bind", (string?)mounts["/host"]!["type"]);
        Assert.Equal(_bindSource, (string?)mounts["/host"]!["source"]);
        Assert.True((bool)mounts["/host"]!["readOnly"]!);
        Assert.Equal("tmpfs", (string?)mounts["/scratch"]!["type"]);

        var network = Assert.Single(details["networks"]!.AsArray())!;
        Assert.Equal(_network, (string?)network["name"]);
        Assert.Contains("payments-api", Strings(network["aliases"]));
        Assert.Contains("api", Strings(network["aliases"]));
        Assert.NotNull((string?)network["ipAddress"]);

        var check = details["health"]!["check"]!;
        Assert.Equal(["CMD-SHELL", "true"], Strings(check["test"]));
        Assert.Equal("1s", (string?)check["interval"]);
        Assert.Equal("2s", (string?)check["timeout"]);
        Assert.Equal(2, (int)check["retries"]!);
        Assert.Equal("1m30s", (string?)check["startPeriod"]);

        var limits = details["limits"]!;
        Assert.Equal(64L * 1024 * 1024, (long)limits["memoryBytes"]!);
        Assert.Equal(0.5, (double)limits["cpus"]!);
        Assert.Equal(50, (long)limits["pidsLimit"]!);

        var security = details["security"]!;
        Assert.Equal("nobody", (string?)security["user"]);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.True((bool)security["noNewPrivileges"]!);
        Assert.False((bool)security["privileged"]!);
        Assert.Equal(["NET_ADMIN"], Strings(security["capAdd"]));
        Assert.Equal(["MKNOD"], Strings(security["capDrop"]));
        Assert.Equal(_network, (string?)security["networkMode"]);
    }

    [Fact]
    public async Task A_container_created_without_start_stays_created_and_publishes_on_loopback_by_default()
    {
        var name = TestContainers.UniqueName("made");
        var response = await _client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            labels = TestContainers.Labels(),
            ports = new[] { new { containerPort = 80 } },
        });

        var created = await response.AssertOkJsonAsync(201);
        Assert.Equal("created", (string?)created["state"]!["status"]);
        Assert.False((bool)created["state"]!["running"]!);
        Assert.EndsWith((string)created["id"]!, response.Headers.Location?.OriginalString);

        using var docker = TestEngine.CreateClient();
        var inspected = await docker.Containers.InspectContainerAsync(name);
        var binding = Assert.Single(inspected.HostConfig.PortBindings["80/tcp"]);
        Assert.Equal("127.0.0.1", binding.HostIP);
    }

    [Fact]
    public async Task Creating_a_second_container_with_the_same_name_is_a_conflict()
    {
        var name = TestContainers.UniqueName("twin");
        await TestContainers.CreateAsync(_client, name, start: false);

        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new { name, image = TestEngine.Image, command = new[] { "true" }, labels = TestContainers.Labels() }))
            .AssertProblemAsync(409);

        Assert.Contains("already in use", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Creating_from_a_missing_image_is_a_bad_request_naming_the_image()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/containers", new
        {
            image = "dockerops-test/no-such-image:0",
            labels = TestContainers.Labels(),
        })).AssertProblemAsync(400);

        Assert.Equal("image", (string?)problem["field"]);
        Assert.Contains("no-such-image", (string?)problem["detail"]);
    }

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!).ToList();
}
