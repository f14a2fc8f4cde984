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

    /// <summary>
    /// Pulls through the API and checks the NDJSON stream: layer progress up to "Pull complete", then a
    /// <c>done</c> line with the image. Returns the stream's text, for tests that search it.
    /// </summary>
    public static async Task<string> AssertPulledWithProgressAsync(HttpClient client, string repository, string tag, string expectedId)
    {
        var response = await client.PostJsonAsync("/api/v1/images/pull", new { image = repository, tag });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => (string?)l["type"] == "progress" && ((string?)l["status"] ?? "").Contains("Pull complete"));
        var done = lines[^1];
        Assert.Equal("done", (string?)done["type"]);
        Assert.Equal(expectedId, (string?)done["id"]);
        Assert.Equal($"{repository}:{tag}", (string?)done["reference"]);
        return text;
    }

    public static string RunLabelQuery => "label=" + Uri.EscapeDataString(TestResources.RunLabel);

    public static IReadOnlyList<string> Ids(JsonNode report) => report["items"]!.AsArray().Select(i => (string)i!["id"]!).Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// A local registry (Debian's docker-registry) on a free 127.0.0.1 port with storage in a temporary
/// folder, started and stopped by the fixture. The engine treats 127.0.0.0/8 registries as insecure
/// by default, so plain HTTP works. Given a login, it requires it (htpasswd with bcrypt, the only
/// hash docker-registry accepts; the file is written by Debian's apache2-utils htpasswd).
/// </summary>
public class LocalRegistry : IAsyncLifetime
{
    private const string Binary = "/usr/bin/docker-registry";
    private const string Htpasswd = "/usr/bin/htpasswd";
    private Process? _process;
    private string? _folder;

    public LocalRegistry()
        : this(login: null)
    {
    }

    protected LocalRegistry(RegistryTestLogin? login)
    {
        Login = login;
        // Known before the registry starts, so that a fixture can configure the service with it.
        Address = $"127.0.0.1:{FreePort()}";
    }

    public string Address { get; }

    /// <summary>The login this registry requires; null when it lets anyone in.</summary>
    public RegistryTestLogin? Login { get; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's docker-registry package (scripts/test.sh does).");
        await TestEngine.EnsureReadyAsync();
        _folder = Directory.CreateTempSubdirectory("dockerops-registry-").FullName;
        var auth = "";
        if (Login is not null)
        {
            var passwords = Path.Combine(_folder, "htpasswd");
            await File.WriteAllTextAsync(passwords, await BcryptEntryAsync(Login));
            auth = $"""

                auth:
                  htpasswd:
                    realm: dockerops-test
                    path: {passwords}
                """;
        }

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
            """ + auth);
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
                // A registry that requires a login answers its base URL with 401 once it is up.
                if (answer.IsSuccessStatusCode || (Login is not null && answer.StatusCode == HttpStatusCode.Unauthorized))
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

    private static async Task<string> BcryptEntryAsync(RegistryTestLogin login)
    {
        if (!File.Exists(Htpasswd))
            throw new InvalidOperationException($"{Htpasswd} is missing: install Debian's apache2-utils package (scripts/test.sh does); the registry that requires a login needs a bcrypt password file.");
        // -i reads the password from stdin, so it never shows in a process list.
        using var htpasswd = Process.Start(new ProcessStartInfo(Htpasswd, ["-niB", login.Username])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        await htpasswd.StandardInput.WriteLineAsync(login.Password);
        htpasswd.StandardInput.Close();
        var entry = await htpasswd.StandardOutput.ReadToEndAsync();
        var error = await htpasswd.StandardError.ReadToEndAsync();
        await htpasswd.WaitForExitAsync();
        if (htpasswd.ExitCode != 0 || !entry.StartsWith(login.Username + ":$2", StringComparison.Ordinal))
            throw new InvalidOperationException($"htpasswd could not write a bcrypt entry (exit {htpasswd.ExitCode}): {error}");
        return entry.Trim() + "\n";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record RegistryTestLogin(string Username, string Password);

/// <summary>A local registry that lets in only one user, with a password made up for this run.</summary>
public sealed class AuthenticatedRegistry() : LocalRegistry(new RegistryTestLogin("dockerops-puller", $"pw-{Guid.NewGuid():N}"));
