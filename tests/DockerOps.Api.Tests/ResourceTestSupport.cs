using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Helpers for tests of volumes, networks, images, prunes and posture.</summary>
public static class ResourceTestSupport
{
    /// <summary>Runs a one-shot busybox command in a new container and returns what it printed.</summary>
    public static async Task<string> RunToCompletionAsync(HttpClient client, string[] command, object[]? mounts = null, object[]? networks = null)
    {
        var name = TestContainers.UniqueName("job");
        var response = await client.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command,
            labels = TestContainers.Labels(),
            mounts,
            networks,
            start = true,
        });
        await response.AssertOkJsonAsync(201);
        await WaitForStateAsync(client, name, "exited");
        var logs = await client.GetAsync($"/api/v1/containers/{name}/logs");
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        return await logs.Content.ReadAsStringAsync();
    }

    public static async Task WaitForStateAsync(HttpClient client, string name, string state, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var details = await (await client.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
            if ((string?)details["state"]!["status"] == state)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"Container {name} did not reach {state} within {seconds} s.");
            await Task.Delay(200);
        }
    }

    public static string RunLabelQuery => "label=" + Uri.EscapeDataString(TestResources.RunLabel);

    public static IReadOnlyList<string> Ids(JsonNode report) => report["items"]!.AsArray().Select(i => (string)i!["id"]!).Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// A local registry (Debian's docker-registry) on a free 127.0.0.1 port with storage in a temporary
/// folder, started and stopped by the fixture. The engine treats 127.0.0.0/8 registries as insecure
/// by default, so plain HTTP works.
/// </summary>
public sealed class LocalRegistry : IAsyncLifetime
{
    private const string Binary = "/usr/bin/docker-registry";
    private Process? _process;
    private string? _folder;

    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's docker-registry package (scripts/test.sh does).");
        await TestEngine.EnsureReadyAsync();
        var port = FreePort();
        Address = $"127.0.0.1:{port}";
        _folder = Directory.CreateTempSubdirectory("dockerops-registry-").FullName;
        var config = Path.Combine(_folder, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_folder, "data")}
              delete:
                enabled: true
            http:
              addr: {Address}
            """);
        _process = Process.Start(new ProcessStartInfo(Binary, ["serve", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var answer = await http.GetAsync($"http://{Address}/v2/");
                if (answer.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"The local registry did not answer on {Address}.");
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        if (_folder is not null)
            Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
