using DockerOps.Jobs.Health;
using DockerOps.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.Types;
using WireMock.Util;
using WireMock.ResponseBuilders;

namespace DockerOps.Api.Tests.Watch;

/// <summary>A webhook receiver that fails with 500, then rate-limits with 429 Retry-After, then accepts.</summary>
public sealed class FlakyReceiverApp() : ReceiverApp(Prepare("flaky", Stub, url => new Dictionary<string, string?>
{
    ["Alerts:Channels:0:Name"] = "flaky",
    ["Alerts:Channels:0:Type"] = "webhook",
    ["Alerts:Channels:0:Url"] = $"{url}/hook",
}))
{
    private static void Stub(WireMock.Server.WireMockServer server)
    {
        var attempts = 0;
        server.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithCallback(_ => Interlocked.Increment(ref attempts) switch
        {
            1 => new ResponseMessage { StatusCode = 500 },
            2 => new ResponseMessage { StatusCode = 429, Headers = new Dictionary<string, WireMockList<string>> { ["Retry-After"] = new("1") } },
            _ => new ResponseMessage { StatusCode = 200 },
        }));
    }
}

public sealed class FlakyReceiverTests(FlakyReceiverApp app) : IClassFixture<FlakyReceiverApp>
{
    [Fact]
    public async Task A_receiver_answering_500_then_429_then_200_gets_the_alert_once()
    {
        var name = TestContainers.UniqueName("flaky");
        await WatchedContainers.RunAsync(app.Scope, name, "exit 7");

        await ReceiverApp.WaitUntilAsync(() => app.WebhookAlerts("/hook", name).Count == 1, TimeSpan.FromSeconds(40), "the delivered alert");
        await Task.Delay(3000);

        var attempts = app.Received("/hook").Where(e => e.RequestMessage.Body!.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.Equal([500, 429, 200], attempts.Select(a => Convert.ToInt32(a.ResponseMessage.StatusCode)));
        // Retry-After: 1 was honoured: the third attempt waited at least about a second after the second.
        Assert.True(attempts[2].RequestMessage.DateTime - attempts[1].RequestMessage.DateTime >= TimeSpan.FromMilliseconds(900));
        // Every attempt carried the same delivery id, so a receiver could also deduplicate.
        Assert.Single(attempts.Select(a => a.RequestMessage.Headers!["X-DockerOps-Delivery"].Single()).Distinct());
        Assert.Equal("exited with an error (exit code 7)", (string?)app.WebhookAlerts("/hook", name)[0]["summary"]);
    }
}

/// <summary>The service reaches the engine through a proxy that the test can cut.</summary>
public sealed class ProxiedEngineApp : ReceiverApp
{
    private static EngineProxy? _next;

    public ProxiedEngineApp()
        : base(Prepare("proxy", server => server.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)),
            url =>
            {
                _next = new EngineProxy(new Uri(TestEngine.Host).LocalPath);
                return new Dictionary<string, string?>
                {
                    ["Docker:Host"] = _next.Host,
                    ["Docker:CallTimeoutSeconds"] = "2",
                    ["Health:ReconnectMinSeconds"] = "0.2",
                    ["Health:ReconnectMaxSeconds"] = "1",
                    ["Health:ReconcileSeconds"] = "300",
                    ["Alerts:Channels:0:Name"] = "pager",
                    ["Alerts:Channels:0:Type"] = "webhook",
                    ["Alerts:Channels:0:Url"] = $"{url}/hook",
                };
            }))
    {
        Proxy = _next!;
    }

    public EngineProxy Proxy { get; }

    public override async Task InitializeAsync()
    {
        await TestEngine.EnsureReadyAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

public sealed class ReconnectTests(ProxiedEngineApp app) : IClassFixture<ProxiedEngineApp>
{
    [Fact]
    public async Task Events_missed_while_the_watcher_was_disconnected_are_alerted_once_after_it_reconnects()
    {
        var watcher = app.Services.GetRequiredService<HealthWatcher>();
        await ReceiverApp.WaitUntilAsync(() => watcher.Subscriptions("local") >= 1, TimeSpan.FromSeconds(20), "the first subscription");
        var before = watcher.Subscriptions("local");

        app.Proxy.Cut();
        var name = TestContainers.UniqueName("missed");
        var id = await WatchedContainers.RunAsync(app.Scope, name,
            WatchedContainers.Script("touch /tmp/ok; sleep 1; rm /tmp/ok; sleep 3600"), health: ["CMD", "test", "-f", "/tmp/ok"]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await WatchedContainers.HealthAsync(id) != "unhealthy" && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal("unhealthy", await WatchedContainers.HealthAsync(id));
        await Task.Delay(500);
        Assert.Empty(app.WebhookAlerts("/hook", name));

        app.Proxy.Restore();
        await ReceiverApp.WaitUntilAsync(() => app.WebhookAlerts("/hook", name).Count == 1, TimeSpan.FromSeconds(30), "the alert after reconnecting");
        Assert.True(watcher.Subscriptions("local") > before);

        // Further reconciliations find the same open incident and say nothing more.
        var reconciled = watcher.Reconciliations("local");
        watcher.RequestReconcile();
        await ReceiverApp.WaitUntilAsync(() => watcher.Reconciliations("local") > reconciled, TimeSpan.FromSeconds(10), "another reconciliation");
        await Task.Delay(1000);
        var alert = Assert.Single(app.WebhookAlerts("/hook", name));
        Assert.Equal("unhealthy", (string?)alert["cause"]);
    }
}
