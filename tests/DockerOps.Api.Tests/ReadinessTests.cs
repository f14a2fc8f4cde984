using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace DockerOps.Api.Tests;

/// <summary>Readiness follows the engine: unready while it fails, ready again as soon as it answers.</summary>
public sealed class ReadinessTests(MisbehavingEngineApp app) : IClassFixture<MisbehavingEngineApp>
{
    private void EnginePingAnswers(int status)
    {
        app.Engine.Reset();
        app.Engine.Given(Request.Create().WithPath(new WildcardMatcher("*/_ping")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody(status == 200 ? "OK" : """{"message":"daemon is shutting down"}"""));
    }

    [Fact]
    public async Task Readiness_names_each_dependency_and_turns_unready_and_back_with_the_engine()
    {
        using var client = app.CreateAnonymousClient();

        EnginePingAnswers(200);
        var ready = await (await client.GetAsync("/readyz")).AssertOkJsonAsync();
        Assert.Equal("ready", (string?)ready["status"]);
        Assert.Equal("ok", (string?)ready["checks"]!["engine"]);
        Assert.Equal("ok", (string?)ready["checks"]!["storage"]);
        Assert.Equal("ok", (string?)ready["checks"]!["jobs"]);

        EnginePingAnswers(500);
        var unready = await (await client.GetAsync("/readyz")).AssertOkJsonAsync(503);
        Assert.Equal("unready", (string?)unready["status"]);
        Assert.Contains("daemon is shutting down", (string?)unready["checks"]!["engine"]);
        Assert.Equal("ok", (string?)unready["checks"]!["storage"]);

        EnginePingAnswers(200);
        var back = await (await client.GetAsync("/readyz")).AssertOkJsonAsync();
        Assert.Equal("ready", (string?)back["status"]);
    }
}
