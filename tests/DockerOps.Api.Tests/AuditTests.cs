using System.Net;
using System.Text.Json.Nodes;
using DockerOps.Core.Access;
using DockerOps.Testing;
using Microsoft.Data.Sqlite;

namespace DockerOps.Api.Tests;

public sealed class AuditTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>, IAsyncLifetime
{
    private readonly HttpClient _admin = app.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Allowed_denied_and_failed_actions_each_leave_a_record_naming_the_key_but_never_holding_it()
    {
        var name = TestContainers.UniqueName("aud");
        var created = await (await _admin.PostJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = new[] { "sleep", "3600" },
            env = new Dictionary<string, string> { ["DB_PASSWORD"] = "hunter2-secret" },
            labels = TestContainers.Labels(),
            start = true,
        })).AssertOkJsonAsync(201);
        var id = (string)created["id"]!;
        var viewerName = "audit-viewer-" + Guid.NewGuid().ToString("N")[..6];
        var viewerKey = await app.CreateKeyAsync(Role.Viewer, name: viewerName);
        using var viewer = app.CreateClientWithKey(viewerKey);
        await (await viewer.PostAsync($"/api/v1/containers/{name}/stop", null)).AssertProblemAsync(403);
        using var stranger = app.CreateClientWithKey("dko_0123456789ab_" + new string('z', 43));
        await (await stranger.PostAsync($"/api/v1/containers/{name}/kill", null)).AssertProblemAsync(401);
        await (await _admin.PostAsync($"/api/v1/containers/{name}/unpause", null)).AssertOkJsonAsync();
        await (await _admin.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null)).AssertOkJsonAsync();
        await (await _admin.PostAsync($"/api/v1/containers/{name}/pause", null)).AssertProblemAsync(409);

        var text = await (await _admin.GetAsync($"/api/v1/audit?since=10m&limit=1000")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2-secret", text);
        Assert.DoesNotContain(viewerKey, text);
        Assert.DoesNotContain(app.AdminKey!, text);

        var createRecord = await SingleAsync($"action=container.create&target={name}");
        Assert.Equal("ok", (string?)createRecord["outcome"]);
        Assert.Equal("bootstrap-admin", (string?)createRecord["actorName"]);
        Assert.Equal("rest", (string?)createRecord["channel"]);
        Assert.Equal("local", (string?)createRecord["engine"]);
        Assert.Equal(id, (string?)createRecord["targetId"]);
        Assert.Equal("DB_PASSWORD", (string?)createRecord["parameters"]!["env"]);

        var denied = await SingleAsync($"actor={viewerName}&outcome=denied");
        Assert.Equal("request.forbidden", (string?)denied["action"]);
        Assert.Contains("needs operator", (string?)denied["reason"]);
        Assert.Equal($"/api/v1/containers/{name}/stop", (string?)denied["targetName"]);

        var unauthenticated = await SingleAsync($"actor=unknown&target=/api/v1/containers/{name}/kill");
        Assert.Equal("denied", (string?)unauthenticated["outcome"]);
        Assert.Contains("not valid", (string?)unauthenticated["reason"]);

        var failed = await SingleAsync($"action=container.pause&target={name}");
        Assert.Equal("failed", (string?)failed["outcome"]);
        Assert.Contains("not running", (string?)failed["reason"]);

        var stop = await SingleAsync($"action=container.stop&target={id[..12]}");
        Assert.Equal("ok", (string?)stop["outcome"]);
        Assert.Equal("1", (string?)stop["parameters"]!["timeout"]);
        Assert.True((long)stop["durationMs"]! >= 0);
    }

    [Fact]
    public async Task The_chain_verifies_and_searches_page_and_export_as_csv()
    {
        var name = TestContainers.UniqueName("csv");
        await TestContainers.CreateAsync(_admin, name);
        await (await _admin.PostAsync($"/api/v1/containers/{name}/restart?timeout=1", null)).AssertOkJsonAsync();

        var verified = await (await _admin.GetAsync("/api/v1/audit/verify")).AssertOkJsonAsync();
        Assert.True((bool)verified["intact"]!);
        Assert.True((long)verified["recordsChecked"]! >= 2);
        Assert.Null(verified["firstBrokenSequence"]);
        var newest = (await (await _admin.GetAsync("/api/v1/audit?limit=1")).AssertOkJsonAsync())["records"]![0]!;
        Assert.True((long)verified["lastSequence"]! <= (long)newest["sequence"]! && (long)verified["lastSequence"]! >= 2);
        Assert.Matches("^[0-9a-f]{64}$", (string?)verified["lastHash"]);

        var page = await (await _admin.GetAsync("/api/v1/audit?action=container.*&limit=1")).AssertOkJsonAsync();
        Assert.Single(page["records"]!.AsArray());
        Assert.True((long)page["total"]! >= 2);
        var second = await (await _admin.GetAsync("/api/v1/audit?action=container.*&limit=1&offset=1")).AssertOkJsonAsync();
        Assert.True((long)second["records"]![0]!["sequence"]! < (long)page["records"]![0]!["sequence"]!);

        var csv = await _admin.GetAsync($"/api/v1/audit?format=csv&target={name}");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,time,actor_id,actor_name,channel,action", lines[0]);
        Assert.Contains(lines, l => l.Contains(",container.create,") && l.Contains(name));
        Assert.Contains(lines, l => l.Contains(",container.restart,") && l.Contains(",ok,"));

        await (await _admin.GetAsync("/api/v1/audit?outcome=maybe")).AssertProblemAsync(400);
        await (await _admin.GetAsync("/api/v1/audit?limit=5000")).AssertProblemAsync(400);
    }

    private async Task<JsonNode> SingleAsync(string query)
    {
        var page = await (await _admin.GetAsync($"/api/v1/audit?{query}")).AssertOkJsonAsync();
        var records = page["records"]!.AsArray();
        Assert.True(records.Count == 1, $"{query}: {records.ToJsonString()}");
        return records[0]!;
    }
}

/// <summary>Short audit write timeout, so that a locked store answers 503 quickly.</summary>
public sealed class AuditStoreApp() : DockerOpsApp(new Dictionary<string, string?> { ["Audit:WriteTimeoutSeconds"] = "1" });

public sealed class AuditStoreTests(AuditStoreApp app) : IClassFixture<AuditStoreApp>, IAsyncLifetime
{
    private readonly HttpClient _admin = app.CreateClient();

    private string AuditDatabase => Path.Combine(app.DataFolder, "audit.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task When_the_audit_store_cannot_be_written_the_action_is_not_performed_and_the_answer_is_503()
    {
        var name = TestContainers.UniqueName("failclosed");
        await TestContainers.CreateAsync(_admin, name);

        await using (var holder = new SqliteConnection($"Data Source={AuditDatabase};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var lockCommand = holder.CreateCommand();
            lockCommand.CommandText = "BEGIN EXCLUSIVE";
            await lockCommand.ExecuteNonQueryAsync();

            var response = await _admin.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null);
            var problem = await response.AssertProblemAsync(503);
            Assert.Equal("Audit store unavailable", (string?)problem["title"]);
            Assert.Contains("not performed", (string?)problem["detail"]);
        }

        var details = await (await _admin.GetAsync($"/api/v1/containers/{name}")).AssertOkJsonAsync();
        Assert.Equal("running", (string?)details["state"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null)).StatusCode);
    }

    [Fact]
    public async Task Editing_a_record_in_the_database_makes_verification_name_it()
    {
        var name = TestContainers.UniqueName("tamper");
        await TestContainers.CreateAsync(_admin, name);
        await (await _admin.PostAsync($"/api/v1/containers/{name}/restart?timeout=1", null)).AssertOkJsonAsync();
        await (await _admin.PostAsync($"/api/v1/containers/{name}/stop?timeout=1", null)).AssertOkJsonAsync();
        var restart = (await (await _admin.GetAsync($"/api/v1/audit?action=container.restart&target={name}")).AssertOkJsonAsync())["records"]![0]!;
        var sequence = (long)restart["sequence"]!;

        await using var connection = new SqliteConnection($"Data Source={AuditDatabase};Pooling=False");
        await connection.OpenAsync();
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE audit SET outcome = 'denied' WHERE seq = $seq";
            update.Parameters.AddWithValue("$seq", sequence);
            var refused = await Assert.ThrowsAsync<SqliteException>(() => update.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.Message);
        }

        // Someone with the file can drop the trigger; the hash chain still gives them away.
        await using (var tamper = connection.CreateCommand())
        {
            tamper.CommandText = "DROP TRIGGER audit_append_only_update; UPDATE audit SET reason = 'nothing happened' WHERE seq = $seq";
            tamper.Parameters.AddWithValue("$seq", sequence);
            await tamper.ExecuteNonQueryAsync();
        }

        var verified = await (await _admin.GetAsync("/api/v1/audit/verify")).AssertOkJsonAsync();
        Assert.False((bool)verified["intact"]!);
        Assert.Equal(sequence, (long)verified["firstBrokenSequence"]!);
        Assert.Contains($"Record {sequence}", (string?)verified["problem"]);
        Assert.Contains("edited", (string?)verified["problem"]);
    }
}
