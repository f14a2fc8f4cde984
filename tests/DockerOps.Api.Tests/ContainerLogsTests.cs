using System.Diagnostics;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Logs over REST: both streams demultiplexed, the filters, and following.</summary>
public sealed class ContainerLogsTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _client = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Logs_carry_both_streams_as_plain_text_without_the_engines_frame_headers()
    {
        var name = await StartWritingAsync("echo out; echo err >&2");

        var response = await _client.GetAsync($"/api/v1/containers/{name}/logs");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("out\n", text);
        Assert.Contains("err\n", text);
        // The engine's 8-byte frame headers start with a stream byte of 1 or 2; none may leak through.
        Assert.DoesNotContain('\u0001', text);
        Assert.DoesNotContain('\u0002', text);
        Assert.Equal(8, text.Length);
    }

    [Fact]
    public async Task Asking_for_stdout_only_or_stderr_only_separates_the_streams()
    {
        var name = await StartWritingAsync("echo out; echo err >&2");

        Assert.Equal("out\n", await LogsAsync(name, "stderr=false"));
        Assert.Equal("err\n", await LogsAsync(name, "stdout=false"));
        var problem = await (await _client.GetAsync($"/api/v1/containers/{name}/logs?stdout=false&stderr=false")).AssertProblemAsync(400);
        Assert.Equal("stdout", (string?)problem["field"]);
    }

    [Fact]
    public async Task Tail_keeps_only_the_last_lines()
    {
        var name = await StartWritingAsync("for i in 1 2 3 4 5; do echo line$i; done", expected: "line5");

        Assert.Equal("line4\nline5\n", await LogsAsync(name, "tail=2"));
        Assert.Equal("", await LogsAsync(name, "tail=0"));
        var problem = await (await _client.GetAsync($"/api/v1/containers/{name}/logs?tail=100001")).AssertProblemAsync(400);
        Assert.Equal("tail", (string?)problem["field"]);
    }

    [Fact]
    public async Task Since_keeps_only_output_written_after_that_point()
    {
        var name = await StartWritingAsync("echo early", expected: "early");

        Assert.Equal("early\n", await LogsAsync(name, "since=1h"));
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Assert.Equal("", await LogsAsync(name, $"since={future}"));
        var problem = await (await _client.GetAsync($"/api/v1/containers/{name}/logs?since=yesterday-ish")).AssertProblemAsync(400);
        Assert.Equal("since", (string?)problem["field"]);
    }

    [Fact]
    public async Task Until_keeps_only_output_written_before_that_point()
    {
        var name = await StartWritingAsync("echo early", expected: "early");

        Assert.Equal("", await LogsAsync(name, "until=1h"));
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Assert.Equal("early\n", await LogsAsync(name, $"since=1h&until={future}"));
        var problem = await (await _client.GetAsync($"/api/v1/containers/{name}/logs?since=10m&until=1h")).AssertProblemAsync(400);
        Assert.Equal("until", (string?)problem["field"]);
    }

    [Fact]
    public async Task Timestamps_prefix_each_line_with_the_engines_time()
    {
        var name = await StartWritingAsync("echo out; echo err >&2");

        var lines = (await LogsAsync(name, "timestamps=true")).TrimEnd('\n').Split('\n');

        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (out|err)$", line));
    }

    [Fact]
    public async Task A_followed_log_streams_a_line_written_later_and_ends_when_the_client_cancels()
    {
        var name = await StartWritingAsync("echo first; sleep 2; echo later", expected: "first");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _client.GetAsync($"/api/v1/containers/{name}/logs?follow=true", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        Assert.Equal("first", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("later", await reader.ReadLineAsync(cancel.Token));

        // Nothing more comes: the read waits until the client gives up, and then ends promptly.
        var waiting = reader.ReadLineAsync(cancel.Token).AsTask();
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Cancelling took {clock.Elapsed}.");

        // The service is still fine afterwards.
        Assert.Contains("later", await LogsAsync(name, "tail=1"));
    }

    [Fact]
    public async Task A_followed_log_ends_by_itself_when_the_container_stops()
    {
        var name = await StartWritingAsync("echo started", expected: "started");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _client.GetAsync($"/api/v1/containers/{name}/logs?follow=true", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("started", await reader.ReadLineAsync(cancel.Token));

        var rest = reader.ReadToEndAsync(cancel.Token);
        await (await _client.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null, cancel.Token)).AssertOkJsonAsync();

        Assert.Equal("", await rest);
        Assert.False(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task Logs_of_an_unknown_container_are_a_problem_not_an_empty_text()
    {
        var problem = await (await _client.GetAsync($"/api/v1/containers/{TestContainers.UniqueName("ghost")}/logs")).AssertProblemAsync(404);
        Assert.Contains("No container matches", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Logs_of_a_container_with_a_terminal_come_through_whole_as_the_terminal_wrote_them()
    {
        // The create API does not offer a terminal (nobody attaches to one through DockerOps), so the
        // engine makes this container directly, labelled like every other test resource.
        var name = TestContainers.UniqueName("tty");
        using var docker = TestEngine.CreateClient();
        var created = await docker.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Name = name,
            Image = TestEngine.Image,
            Tty = true,
            Cmd = ["sh", "-c", "echo out; echo err >&2; sleep 3600"],
            Labels = TestContainers.Labels(),
        });
        await docker.Containers.StartContainerAsync(created.ID, new global::Docker.DotNet.Models.ContainerStartParameters());

        // A terminal merges both streams and ends lines with CR LF; read as frames, the first bytes
        // would be taken for a header and the text cut or garbled.
        var text = await Eventually.GetAsync($"{name} to write both lines", async () =>
        {
            var logs = await LogsAsync(name, "");
            return logs.Contains("err\r\n") ? logs : null;
        });
        Assert.Equal("out\r\nerr\r\n", text);
        var details = await (await _client.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.True((bool)details["config"]!["tty"]!);
    }

    /// <summary>Starts a container running the script and then sleeping, once its output is visible in the logs.</summary>
    private async Task<string> StartWritingAsync(string script, string expected = "err")
    {
        var name = TestContainers.UniqueName("logs");
        await TestContainers.CreateAsync(_client, name, command: ["sh", "-c", $"{script}; sleep 3600"]);
        await Eventually.GetAsync($"{name} to write '{expected}'", async () =>
        {
            var text = await LogsAsync(name, "");
            return text.Contains(expected + "\n") ? text : null;
        });
        return name;
    }

    private async Task<string> LogsAsync(string name, string query)
    {
        var response = await _client.GetAsync($"/api/v1/containers/{name}/logs?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Logs answered {(int)response.StatusCode}: {text}");
        return text;
    }
}
