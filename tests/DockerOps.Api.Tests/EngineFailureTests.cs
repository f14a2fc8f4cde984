using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace DockerOps.Api.Tests;

/// <summary>The service in front of a misbehaving engine, stood in for by WireMock.Net, with a one-second call timeout.</summary>
public sealed class MisbehavingEngineApp : DockerOpsApp
{
    public MisbehavingEngineApp()
        : this(WireMockServer.Start())
    {
    }

    private MisbehavingEngineApp(WireMockServer engine)
        : base(new Dictionary<string, string?>
        {
            ["Docker:Host"] = $"tcp://127.0.0.1:{engine.Port}",
            ["Docker:CallTimeoutSeconds"] = "1",
        })
    {
        Engine = engine;
    }

    public WireMockServer Engine { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // The first engine call of a fresh process pays for loading and JIT-compiling the client,
        // which on a busy machine can take longer than the one-second timeout under test.
        Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/_ping")).UsingGet()).RespondWith(Response.Create().WithBody("OK"));
        Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/containers/json")).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("[]"));
        using var client = CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await client.GetAsync("/readyz");
            await client.GetAsync("/api/v1/containers");
        }

        Engine.Reset();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Engine.Stop();
        Engine.Dispose();
    }
}

/// <summary>The service pointed at a loopback port where nothing listens.</summary>
public sealed class MissingEngineApp() : DockerOpsApp(new Dictionary<string, string?>
{
    ["Docker:Host"] = $"tcp://127.0.0.1:{ClosedPort()}",
    ["Docker:CallTimeoutSeconds"] = "5",
})
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Pay for the first call's loading and JIT here, so that the tests time the failure itself.
        using var client = CreateClient();
        await client.GetAsync("/readyz");
        await client.GetAsync("/api/v1/containers");
    }

    private static int ClosedPort()
    {
        // Bind and release a port: for the rest of the test nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

public sealed class EngineFailureTests(MisbehavingEngineApp app) : IClassFixture<MisbehavingEngineApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task An_engine_that_does_not_answer_in_time_is_a_504_well_before_the_engine_would_have()
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/containers/json")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("[]").WithDelay(TimeSpan.FromSeconds(8)));

        var clock = Stopwatch.StartNew();
        var problem = await (await _client.GetAsync("/api/v1/containers")).AssertProblemAsync(504);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"The 504 took {clock.Elapsed}.");
        Assert.Equal("Engine timeout", (string?)problem["title"]);
        Assert.Contains("did not answer 'list containers' within 1 s", (string?)problem["detail"]);
    }

    [Fact]
    public async Task An_engine_server_error_is_a_502_with_its_message_but_never_its_raw_body()
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/containers/json")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithBody("""{"message":"boom","secret":"internal-detail"}"""));

        var response = await _client.GetAsync("/api/v1/containers?all=true");
        var text = await response.Content.ReadAsStringAsync();
        var problem = await response.AssertProblemAsync(502);

        Assert.Equal("Engine failure", (string?)problem["title"]);
        Assert.EndsWith(": boom", (string?)problem["detail"]);
        Assert.DoesNotContain("internal-detail", text);
        Assert.DoesNotContain("{\\\"message", text);
    }

    [Fact]
    public async Task An_engine_error_that_is_not_json_is_summarised_not_echoed()
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/containers/json")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("<html>proxy says no: 10.1.2.3</html>"));

        var response = await _client.GetAsync("/api/v1/containers");
        var text = await response.Content.ReadAsStringAsync();
        var problem = await response.AssertProblemAsync(502);

        Assert.Contains("without a message", (string?)problem["detail"]);
        Assert.DoesNotContain("proxy says no", text);
    }

    [Fact]
    public async Task Readiness_reports_the_engine_failing_its_ping()
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/_ping")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"message":"daemon is shutting down"}"""));

        var response = await _client.GetAsync("/readyz");
        var body = await response.AssertOkJsonAsync(503);

        Assert.Equal("unready", (string?)body["status"]);
        Assert.Contains("daemon is shutting down", (string?)body["checks"]!["engine"]);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_slow_ping_makes_the_service_unready_within_the_call_timeout()
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/_ping")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("OK").WithDelay(TimeSpan.FromSeconds(8)));

        var clock = Stopwatch.StartNew();
        var body = await (await _client.GetAsync("/readyz")).AssertOkJsonAsync(503);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"Readiness took {clock.Elapsed}.");
        Assert.Contains("did not answer 'ping'", (string?)body["checks"]!["engine"]);
    }
}

public sealed class MissingEngineTests(MissingEngineApp app) : IClassFixture<MissingEngineApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData("GET", "/api/v1/containers")]
    [InlineData("GET", "/api/v1/containers/web")]
    [InlineData("POST", "/api/v1/containers/web/restart")]
    public async Task An_engine_nobody_listens_for_is_a_503_within_two_seconds(string method, string path)
    {
        var clock = Stopwatch.StartNew();
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await response.AssertProblemAsync(503);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The 503 took {clock.Elapsed}.");
        Assert.Equal("Engine unavailable", (string?)problem["title"]);
        Assert.Equal("The engine 'local' cannot be reached.", (string?)problem["detail"]);
        Assert.Equal("5", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Readiness_is_503_when_the_engine_is_gone_while_liveness_stays_up()
    {
        var clock = Stopwatch.StartNew();
        var ready = await (await _client.GetAsync("/readyz")).AssertOkJsonAsync(503);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Readiness took {clock.Elapsed}.");
        Assert.Equal("unready", (string?)ready["status"]);
        Assert.Contains("cannot be reached", (string?)ready["checks"]!["engine"]);
        var live = await (await _client.GetAsync("/healthz")).AssertOkJsonAsync();
        Assert.Equal("live", (string?)live["status"]);
    }
}
