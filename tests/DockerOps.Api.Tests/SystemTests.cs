using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

public sealed class SystemTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestResources.RemoveRunObjectsAsync();

    [Fact]
    public async Task System_info_reports_the_engine_and_api_versions_the_os_and_counts()
    {
        await TestContainers.CreateAsync(_client);

        var info = await (await _client.GetAsync("/api/v1/system/info")).AssertOkJsonAsync();

        Assert.Equal("local", (string?)info["engine"]);
        Assert.Matches(@"^\d+\.\d+", (string?)info["engineVersion"]);
        Assert.Matches(@"^1\.\d+$", (string?)info["apiVersion"]);
        Assert.Equal("linux", (string?)info["osType"]);
        Assert.False(string.IsNullOrEmpty((string?)info["operatingSystem"]));
        Assert.True((long)info["counts"]!["running"]! >= 1);
        Assert.True((long)info["counts"]!["images"]! >= 1);
        Assert.True((long)info["counts"]!["networks"]! >= 3);
    }

    [Fact]
    public async Task Disk_usage_lists_each_kind_and_counts_a_stopped_containers_writes_as_reclaimable()
    {
        await ResourceTestSupport.RunToCompletionAsync(_client, ["sh", "-c", "dd if=/dev/zero of=/tmp/filler bs=1024 count=512 2>/dev/null; echo written"]);

        var usage = await (await _client.GetAsync("/api/v1/system/df")).AssertOkJsonAsync();

        var kinds = usage["kinds"]!.AsArray();
        Assert.Equal(new[] { "images", "containers", "volumes", "buildCache" }, kinds.Select(k => (string)k!["kind"]!));
        var containers = kinds.Single(k => (string?)k!["kind"] == "containers")!;
        Assert.True((long)containers["reclaimableBytes"]! >= 512 * 1024);
        Assert.True((long)containers["sizeBytes"]! >= (long)containers["reclaimableBytes"]!);
        Assert.Equal(kinds.Sum(k => (long)k!["reclaimableBytes"]!), (long)usage["reclaimableBytes"]!);
    }

    [Fact]
    public async Task Engine_events_stream_as_server_sent_events_filtered_by_type_and_label()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/system/events?type=container&{ResourceTestSupport.RunLabelQuery}");
        var streaming = _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        // Give the subscription a moment to reach the engine before the event happens.
        await Task.Delay(500, cancel.Token);
        var name = TestContainers.UniqueName("evt");
        await TestContainers.CreateAsync(_client, name, start: false);

        using var response = await streaming;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        string? eventType = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                eventType = line["event: ".Length..];
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var data = JsonNode.Parse(line["data: ".Length..])!;
            Assert.Equal("container", eventType);
            Assert.Equal("container", (string?)data["type"]);
            Assert.Equal(TestEngine.RunId, (string?)data["attributes"]![TestEngine.Label]);
            if ((string?)data["action"] == "create" && (string?)data["attributes"]!["name"] == name)
                return;
        }

        Assert.Fail("The stream ended without the container's create event.");
    }

    [Fact]
    public async Task An_unknown_event_type_is_refused_naming_the_filter()
    {
        var problem = await (await _client.GetAsync("/api/v1/system/events?type=spaceship")).AssertProblemAsync(400);

        Assert.Equal("type", (string?)problem["field"]);
    }
}
