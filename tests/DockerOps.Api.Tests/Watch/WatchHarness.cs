using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using DockerOps.Testing;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace DockerOps.Api.Tests.Watch;

/// <summary>
/// A DockerOps host whose health watch sees only the containers of one fixture (by a scope label),
/// with WireMock standing in for the alert receivers.
/// </summary>
public abstract class ReceiverApp : DockerOpsApp
{
    protected ReceiverApp(Prepared prepared)
        : base(prepared.Settings)
    {
        Receiver = prepared.Receiver;
        Scope = prepared.Scope;
    }

    public WireMockServer Receiver { get; }

    public string Scope { get; }

    public sealed record Prepared(WireMockServer Receiver, string Scope, Dictionary<string, string?> Settings);

    protected static Prepared Prepare(string scopePrefix, Action<WireMockServer> stub, Func<string, Dictionary<string, string?>> settings)
    {
        var receiver = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        stub(receiver);
        var scope = $"{scopePrefix}-{Guid.NewGuid():N}"[..(scopePrefix.Length + 13)];
        var all = settings(receiver.Url!);
        all["Health:Label"] = $"{TestEngine.Label}.scope={scope}";
        return new Prepared(receiver, scope, all);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public override async Task DisposeAsync()
    {
        await TestEngine.RemoveRunResourcesAsync(Scope);
        await base.DisposeAsync();
        Receiver.Stop();
    }

    /// <summary>Requests received on a path, oldest first.</summary>
    public IReadOnlyList<ILogEntry> Received(string path) =>
        Receiver.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();

    /// <summary>Webhook alerts (JSON bodies) about one container.</summary>
    public IReadOnlyList<JsonNode> WebhookAlerts(string path, string container) =>
        Received(path)
            .Where(e => e.ResponseMessage.StatusCode is 200 or (int)HttpStatusCode.OK)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)
            .Where(n => (string?)n["container"]?["name"] == container)
            .ToList();

    /// <summary>Waits until the condition holds, or fails after the timeout naming what was awaited.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(100);
        }
    }
}

/// <summary>Containers made directly on the engine, labelled for this run and a fixture's scope.</summary>
public static class WatchedContainers
{
    public static async Task<string> RunAsync(
        string scope,
        string name,
        string script,
        string[]? health = null,
        TimeSpan? interval = null,
        int retries = 1,
        string? restartPolicy = null,
        IDictionary<string, string>? labels = null,
        string? networkMode = null)
    {
        using var client = TestEngine.CreateClient();
        var allLabels = new Dictionary<string, string> { [TestEngine.Label] = TestEngine.RunId, [$"{TestEngine.Label}.scope"] = scope };
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
            allLabels[key] = value;
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = TestEngine.Image,
            Cmd = ["sh", "-c", script],
            Labels = allLabels,
            Healthcheck = health is null ? null : new HealthConfig
            {
                Test = health,
                Interval = interval ?? TimeSpan.FromMilliseconds(200),
                Timeout = TimeSpan.FromSeconds(2),
                Retries = retries,
            },
            HostConfig = new HostConfig
            {
                RestartPolicy = restartPolicy is null ? null : new RestartPolicy { Name = Enum.Parse<RestartPolicyKind>(restartPolicy, ignoreCase: true) },
                NetworkMode = networkMode,
            },
        });
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    /// <summary>A container that is healthy, then unhealthy for a while (its probe's file is gone, and it says so in its log), then healthy again.</summary>
    public static Task<string> RunFlappingAsync(string scope, string name, int unhealthySeconds) =>
        RunAsync(scope, name,
            Script($"touch /tmp/ok; echo serving; sleep 2; rm /tmp/ok; echo 'lost the file' >&2; sleep {unhealthySeconds}; touch /tmp/ok; sleep 3600"),
            health: ["CMD-SHELL", "cat /tmp/ok || { echo 'probe: /tmp/ok is missing'; exit 1; }"]);

    public static async Task<string?> HealthAsync(string id)
    {
        using var client = TestEngine.CreateClient();
        var details = await client.Containers.InspectContainerAsync(id);
        return details.State.Health?.Status;
    }

    /// <summary>A shell script that stops at once on SIGTERM (sleep as PID 1 would ignore it).</summary>
    public static string Script(string body) => $"trap 'exit 0' TERM; {body} & wait";
}
