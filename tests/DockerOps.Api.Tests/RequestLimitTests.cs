using System.Net;
using System.Text;
using DockerOps.Core.Access;

namespace DockerOps.Api.Tests;

/// <summary>A host with a tiny request budget: three requests, then one more per hour.</summary>
public sealed class TightLimitsApp() : DockerOpsApp(new Dictionary<string, string?>
{
    ["Limits:RateTokenLimit"] = "3",
    ["Limits:RateTokensPerPeriod"] = "1",
    ["Limits:RatePeriodSeconds"] = "3600",
    ["Limits:MaxRequestBodyBytes"] = "4096",
});

public sealed class RequestLimitTests(TightLimitsApp app) : IClassFixture<TightLimitsApp>
{
    [Fact]
    public async Task A_key_over_its_budget_gets_429_with_retry_after_while_other_keys_carry_on()
    {
        using var busy = await app.CreateClientWithRole(Role.Viewer);
        using var quiet = await app.CreateClientWithRole(Role.Viewer);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/v1/me")).StatusCode);
        var limited = await busy.GetAsync("/api/v1/me");

        var problem = await limited.AssertProblemAsync(429);
        Assert.Contains("retry after", (string?)problem["detail"]);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, limited.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_whether_its_length_is_declared_or_not()
    {
        using var admin = await app.CreateClientWithRole(Role.Admin);
        var big = "{\"name\":\"" + new string('x', 8000) + "\"}";

        var declared = await admin.PostAsync("/api/v1/keys", new StringContent(big, Encoding.UTF8, "application/json"));
        var problem = await declared.AssertProblemAsync(413);
        Assert.Contains("Limits:MaxRequestBodyBytes", (string?)problem["detail"]);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/keys") { Content = new ChunkedContent(big) };
        await (await admin.SendAsync(request)).AssertProblemAsync(413);
    }

    /// <summary>A body sent without Content-Length (chunked), so only the server's read limit can stop it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly string text;

        public ChunkedContent(string text)
        {
            this.text = text;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
