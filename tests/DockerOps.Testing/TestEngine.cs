using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockerOps.Testing;

/// <summary>
/// The real engine the tests run against: DOCKER_HOST (set by scripts/test.sh, which starts a
/// private dockerd), else the standard socket. No engine is a loud failure, never a skip.
/// </summary>
public static class TestEngine
{
    /// <summary>The busybox image every test container runs; imported from busybox-static, as no registry is reachable.</summary>
    public const string Image = "dockerops-test/busybox:1";

    /// <summary>Every resource a test creates carries this label, so clean-up touches nothing else.</summary>
    public const string Label = "dockerops.test";

    private static readonly string[] Applets =
    [
        "sh", "sleep", "echo", "cat", "wget", "nc", "httpd", "true", "false", "ls", "env", "id", "kill", "ps",
        "mkdir", "rm", "touch", "test", "grep", "yes", "head", "tail", "dd", "seq", "date", "printf", "hostname",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _ready;

    public static string Host =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    /// <summary>A unique label value per test run, so parallel runs sharing an engine never clean up each other.</summary>
    public static string RunId { get; } = $"run-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];

    public static DockerClient CreateClient()
    {
        var uri = new Uri(Host);
        if (uri.Scheme == "tcp")
            uri = new UriBuilder(uri) { Scheme = "http" }.Uri;
        return new DockerClientConfiguration(uri, defaultTimeout: TimeSpan.FromSeconds(60)).CreateClient();
    }

    /// <summary>Checks the engine answers and the test image exists, importing it once if needed.</summary>
    public static async Task EnsureReadyAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_ready)
                return;
            using var client = CreateClient();
            try
            {
                using var ping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.System.PingAsync(ping.Token);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"No Docker engine answers at {Host}. Run ./scripts/test.sh, which installs and starts a private engine, " +
                    "or point DOCKER_HOST at one. These tests do not skip without an engine.", ex);
            }

            var images = await client.Images.ListImagesAsync(new ImagesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [Image] = true } },
            });
            if (images.Count == 0)
                await ImportImageAsync(client);
            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Overlay networks need an engine that is a swarm manager. scripts/test.sh makes its private engine one;
    /// an engine named by DOCKER_HOST that is not one fails the test with the fix, never a skip.
    /// </summary>
    public static async Task EnsureSwarmManagerAsync()
    {
        await EnsureReadyAsync();
        using var client = CreateClient();
        var info = await client.System.GetSystemInfoAsync();
        if (info.Swarm?.ControlAvailable != true)
        {
            throw new InvalidOperationException(
                $"The engine at {Host} is not a swarm manager (swarm state: {info.Swarm?.LocalNodeState ?? "unknown"}), and the overlay network tests need one. " +
                $"Make it one, on loopback only: DOCKER_HOST={Host} docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 " +
                "(pick another port if 2377 is taken), or unset DOCKER_HOST so that scripts/test.sh starts a private engine, which it makes a swarm manager.");
        }
    }

    /// <summary>Removes every container this run created (by label), whatever state it is in.</summary>
    public static async Task RemoveRunResourcesAsync(string? scope = null)
    {
        using var client = CreateClient();
        var label = scope is null ? $"{Label}={RunId}" : $"{Label}.scope={scope}";
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        });
        // A run-wide sweep leaves scoped containers to the fixture that owns the scope: it may still
        // be watching them in a test running in parallel.
        var mine = scope is null ? containers.Where(c => c.Labels is null || !c.Labels.ContainsKey($"{Label}.scope")) : containers;
        await Task.WhenAll(mine.Select(c => RemoveQuietly(client, c.ID)));
    }

    private static async Task RemoveQuietly(DockerClient client, string id)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException ex) when ((int)ex.StatusCode == 409)
        {
            // Removal already in progress.
        }
    }

    private static async Task ImportImageAsync(DockerClient client)
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("busybox-static is not installed (apt-get install busybox-static); the test image is built from it.");

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var dir in new[] { "bin/", "tmp/", "etc/", "root/", "data/", "var/", "var/www/" })
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)Convert.ToInt32(dir == "tmp/" ? "1777" : "755", 8) });

            var entry = new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                DataStream = File.OpenRead(busybox),
            };
            writer.WriteEntry(entry);
            foreach (var applet in Applets)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" });
            writer.WriteEntry(TextFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"));
            writer.WriteEntry(TextFile("etc/group", "root:x:0:\nnogroup:x:65534:\n"));
            writer.WriteEntry(TextFile("var/www/index.html", "dockerops test page\n"));
        }

        tar.Position = 0;
        var separator = Image.LastIndexOf(':');
        await client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = Image[..separator], Tag = Image[(separator + 1)..] },
            tar, null, new Progress<JSONMessage>());
    }

    private static PaxTarEntry TextFile(string path, string content) => new(TarEntryType.RegularFile, path)
    {
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
    };
}
