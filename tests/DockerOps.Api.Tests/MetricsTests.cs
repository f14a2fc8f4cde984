namespace DockerOps.Api.Tests;

public sealed class MetricsTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    [Fact]
    public async Task Requests_and_engine_calls_show_up_in_the_prometheus_metrics()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/api/v1/containers?all=true")).EnsureSuccessStatusCode();
        await (await client.GetAsync("/api/v1/containers/no-such-container-anywhere")).AssertProblemAsync(404);

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("http_route=\"/api/v1/containers/{ref}\"") && l.Contains("http_response_status_code=\"404\""));
        Assert.Contains(lines, l => l.StartsWith("dockerops_engine_call_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("operation=\"list containers\"") && l.Contains("outcome=\"ok\""));
        // Read from the incident store at each scrape: present even when nothing is open.
        Assert.Contains(lines, l => l.StartsWith("dockerops_incidents_open", StringComparison.Ordinal) && !l.StartsWith("dockerops_incidents_open_", StringComparison.Ordinal));
    }
}
