using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DockerOps.Chat.Slack;
using DockerOps.Core.Access;
using DockerOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSec.Cryptography;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace DockerOps.Chat.Tests;

/// <summary>
/// The real service on Kestrel with Slack and Discord (HTTP mode) configured, driving the real
/// engine. One WireMock server stands in for Slack's response URLs and Web API and for Discord's REST API.
/// </summary>
public class ChatApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string DiscordApplicationId = "1000";

    private readonly Dictionary<string, string?> _settings;

    public ChatApp()
        : this(new Dictionary<string, string?>())
    {
    }

    protected ChatApp(IDictionary<string, string?> settings)
    {
        DiscordKey = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        Platforms.Given(Request.Create().UsingAnyMethod().WithPath(new WildcardMatcher("/slack/response/*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        Platforms.Given(Request.Create().UsingAnyMethod().WithPath(new WildcardMatcher("/discord/api/v10/webhooks/*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "1" }));
        Platforms.Given(Request.Create().UsingPut().WithPath(new WildcardMatcher("/discord/api/v10/applications/*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Array.Empty<object>()));
        Platforms.Given(Request.Create().UsingPost().WithPath("/slack/api/chat.postMessage"))
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { ok = true, ts = "1.2" }));
        Platforms.Given(Request.Create().UsingPost().WithPath(new WildcardMatcher("/discord/api/v10/channels/*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "3" }));
        Platforms.Given(Request.Create().UsingPost().WithPath(new WildcardMatcher("/discord/api/v10/interactions/*")))
            .RespondWith(Response.Create().WithStatusCode(204));

        _settings = new Dictionary<string, string?>
        {
            ["Docker:Host"] = TestEngine.Host,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = Platforms.Url + "/slack/api",
            ["Discord:ApplicationId"] = DiscordApplicationId,
            ["Discord:PublicKey"] = Convert.ToHexStringLower(DiscordKey.PublicKey.Export(KeyBlobFormat.RawPublicKey)),
            ["Discord:BotToken"] = "discord-bot-token",
            ["Discord:Mode"] = "http",
            ["Discord:ApiBaseUrl"] = Platforms.Url + "/discord/api/v10",
            // Alerts go the one way every alert goes (the Hangfire job and its ledger), here to the bots' channels, with buttons.
            ["Alerts:Channels:0:Name"] = "slack-bot",
            ["Alerts:Channels:0:Type"] = "slack",
            ["Alerts:Channels:0:Url"] = Platforms.Url + "/slack/api/chat.postMessage",
            ["Alerts:Channels:0:Token"] = "xoxb-test",
            ["Alerts:Channels:0:Channel"] = "CALERTS",
            ["Alerts:Channels:1:Name"] = "discord-bot",
            ["Alerts:Channels:1:Type"] = "discord",
            ["Alerts:Channels:1:Url"] = Platforms.Url + "/discord/api/v10/channels/8800/messages",
            ["Alerts:Channels:1:Token"] = "discord-bot-token",
            // The health watch sees only the containers this fixture labels with its scope: the engine is shared.
            ["Health:Label"] = $"{TestEngine.Label}.scope={Scope}",
            ["Chat:Identities:0:Platform"] = "slack",
            ["Chat:Identities:0:UserId"] = "UOPERATOR",
            ["Chat:Identities:0:Role"] = "operator",
            ["Chat:Identities:1:Platform"] = "slack",
            ["Chat:Identities:1:UserId"] = "UADMIN",
            ["Chat:Identities:1:Role"] = "admin",
            ["Chat:Identities:2:Platform"] = "slack",
            ["Chat:Identities:2:UserId"] = "UADMIN2",
            ["Chat:Identities:2:Role"] = "admin",
            ["Chat:Identities:3:Platform"] = "discord",
            ["Chat:Identities:3:RoleId"] = "900",
            ["Chat:Identities:3:Role"] = "operator",
            ["Chat:Identities:4:Platform"] = "discord",
            ["Chat:Identities:4:UserId"] = "700",
            ["Chat:Identities:4:Role"] = "admin",
            ["Chat:Identities:5:Platform"] = "discord",
            ["Chat:Identities:5:UserId"] = "701",
            ["Chat:Identities:5:Role"] = "admin",
            ["Chat:Identities:6:Platform"] = "discord",
            ["Chat:Identities:6:UserId"] = "702",
            ["Chat:Identities:6:Role"] = "operator",
            ["Chat:Identities:6:Scope:Names:0"] = "dc-auto-*",
            ["Chat:Identities:7:Platform"] = "slack",
            ["Chat:Identities:7:UserId"] = "UVIEWER",
            ["Chat:Identities:7:Role"] = "viewer",
            ["Chat:Identities:8:Platform"] = "discord",
            ["Chat:Identities:8:UserId"] = "703",
            ["Chat:Identities:8:Role"] = "viewer",
        };
        // Scheduled prunes stay off on the shared engine, and a test's run of one touches only this run's objects.
        foreach (var pruneJob in DockerOps.Jobs.Scheduling.PruneJobs.Kinds.Keys)
        {
            _settings[$"Jobs:Recurring:{pruneJob}:Enabled"] = "false";
            _settings[$"Jobs:Recurring:{pruneJob}:Options:labels"] = $"{TestEngine.Label}={TestEngine.RunId}";
        }

        foreach (var (key, value) in settings)
            _settings[key] = value;
        DataFolder = Directory.CreateTempSubdirectory("dockerops-chat-test-").FullName;
        _settings["DOCKEROPS_DATA"] = DataFolder;
        // The REST calls that set up containers carry this key; chat endpoints need none (they are signed).
        _settings["DOCKEROPS_ADMIN_KEY"] = AdminKey;
        _settings["Limits:RateTokenLimit"] = "100000";
        _settings["Limits:RateTokensPerPeriod"] = "100000";
        // The address comes from Urls (127.0.0.1:0): naming a port here as well races the server start.
        UseKestrel();
    }

    public string DataFolder { get; }

    /// <summary>The label value that puts a container under this fixture's health watch.</summary>
    public string Scope { get; } = $"chat-{Guid.NewGuid():N}"[..17];

    public string AdminKey { get; } = ApiKeySecrets.Generate().Key;

    /// <summary>The audit trail as stored, newest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AuditRecordsAsync()
    {
        var page = await Services.GetRequiredService<IAuditReader>().QueryAsync(new AuditQuery(Limit: AuditQuery.MaxLimit), CancellationToken.None);
        return page.Records.Select(r => r.Record).ToList();
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public WireMockServer Platforms { get; } = WireMockServer.Start();

    public Key DiscordKey { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }

    public virtual async Task InitializeAsync()
    {
        await TestEngine.EnsureReadyAsync();
        StartServer();
    }

    public new virtual async Task DisposeAsync()
    {
        await TestEngine.RemoveRunResourcesAsync(Scope);
        await base.DisposeAsync();
        Platforms.Stop();
        DiscordKey.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open goes with the temp folder; results do not depend on it.
        }
    }

    /// <summary>A signed slash command, as Slack would send it; returns the response and the response_url path it was given.</summary>
    public async Task<(HttpResponseMessage Response, string ResponsePath)> SlashAsync(string userId, string text, long? timestamp = null)
    {
        var path = $"/slack/response/{Guid.NewGuid():N}";
        var body = $"team_id=T1&team_domain=test&channel_id=C1&channel_name=ops&user_id={userId}&user_name={userId.ToLowerInvariant()}" +
            $"&command=%2Fdocker&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString(Platforms.Url + path)}&trigger_id=1.2.3";
        return (await PostSignedAsync("/chat/slack/commands", body, timestamp), path);
    }

    public async Task<(HttpResponseMessage Response, string ResponsePath)> ClickAsync(string userId, string actionId)
    {
        var path = $"/slack/response/{Guid.NewGuid():N}";
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant() },
            ["channel"] = new JsonObject { ["id"] = "C1" },
            ["actions"] = new JsonArray { new JsonObject { ["action_id"] = actionId, ["value"] = actionId } },
            ["response_url"] = Platforms.Url + path,
        };
        return (await PostSignedAsync("/chat/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString())), path);
    }

    public async Task<HttpResponseMessage> PostSignedAsync(string path, string body, long? timestamp = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(SigningSecret, ts, bytes));
        return await CreateClient().SendAsync(request);
    }

    /// <summary>Waits for the platform stand-in to receive <paramref name="count"/> requests on a path, and returns their JSON bodies.</summary>
    public async Task<IReadOnlyList<JsonNode>> WaitForPostsAsync(string path, int count, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var bodies = Platforms.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime)
                .Select(e => JsonNode.Parse(e.RequestMessage.Body ?? "null")!).ToList();
            if (bodies.Count >= count)
                return bodies;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{path} got {bodies.Count} of {count} requests: {string.Join(" | ", bodies.Select(b => b.ToJsonString()))}");
            await Task.Delay(50);
        }
    }

    /// <summary>An interaction signed with the application's key, as Discord would send it.</summary>
    public async Task<HttpResponseMessage> DiscordAsync(JsonObject interaction, Func<string, string>? tamperSignature = null, string? timestampOverride = null)
    {
        var body = Encoding.UTF8.GetBytes(interaction.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(DiscordKey, [.. Encoding.UTF8.GetBytes(timestamp), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/discord/interactions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-Ed25519", tamperSignature?.Invoke(signature) ?? signature);
        request.Headers.Add("X-Signature-Timestamp", timestampOverride ?? timestamp);
        return await CreateClient().SendAsync(request);
    }

    /// <summary>A /docker slash command interaction from a guild member.</summary>
    public static JsonObject DiscordCommand(string userId, string verb, IReadOnlyDictionary<string, object>? options = null, string[]? roles = null, string? token = null)
    {
        var sub = new JsonArray();
        foreach (var (name, value) in options ?? new Dictionary<string, object>())
            sub.Add(new JsonObject { ["name"] = name, ["type"] = value is bool ? 5 : value is int ? 4 : 3, ["value"] = JsonValue.Create(value) });
        return new JsonObject
        {
            ["id"] = "1" + Random.Shared.NextInt64(100000000, 999999999),
            ["application_id"] = DiscordApplicationId,
            ["type"] = 2,
            ["token"] = token ?? "tok-" + Guid.NewGuid().ToString("N"),
            ["guild_id"] = "42",
            ["channel_id"] = "77",
            ["member"] = new JsonObject
            {
                ["user"] = new JsonObject { ["id"] = userId, ["username"] = "user" + userId },
                ["roles"] = new JsonArray((roles ?? []).Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            },
            ["data"] = new JsonObject
            {
                ["name"] = "docker",
                ["options"] = new JsonArray { new JsonObject { ["name"] = verb, ["type"] = 1, ["options"] = sub } },
            },
        };
    }

    /// <summary>The JSON bodies a platform path received that mention <paramref name="text"/>, waiting for the first.</summary>
    public async Task<IReadOnlyList<JsonNode>> WaitForPostsAboutAsync(string path, string text, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var bodies = Platforms.LogEntries.Where(e => e.RequestMessage.Path == path && (e.RequestMessage.Body ?? "").Contains(text, StringComparison.Ordinal))
                .OrderBy(e => e.RequestMessage.DateTime).Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
            if (bodies.Count > 0)
                return bodies;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{path} got nothing about {text} in {seconds} s.");
            await Task.Delay(100);
        }
    }

    /// <summary>The open incident of a container as GET /api/v1/incidents shows it, once the health watch has opened it.</summary>
    public async Task<JsonNode> WaitForIncidentAsync(string container, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var incidents = JsonNode.Parse(await CreateClient().GetStringAsync("/api/v1/incidents"))!.AsArray();
            if (incidents.FirstOrDefault(i => (string?)i!["containerName"] == container && (string?)i["state"] == "open") is { } incident)
                return incident;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No incident opened for {container} in {seconds} s.");
            await Task.Delay(200);
        }
    }

    public async Task<JsonNode> IncidentAsync(string id) => JsonNode.Parse(await CreateClient().GetStringAsync($"/api/v1/incidents/{id}"))!;

    public int PostsTo(string path) => Platforms.LogEntries.Count(e => e.RequestMessage.Path == path);

    /// <summary>Creates a labelled busybox container through the REST API and returns its details.</summary>
    public async Task<JsonNode> CreateContainerAsync(string name, bool start = true, string[]? command = null) =>
        await CreateContainerAsync(name, start, command, healthcheck: null, watched: false);

    /// <summary>A container under this fixture's health watch whose health check fails at once: it turns unhealthy within seconds.</summary>
    public Task<JsonNode> CreateFailingContainerAsync(string name) =>
        CreateContainerAsync(name, start: true, ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
            new { test = new[] { "CMD-SHELL", "echo 'probe: nothing listens'; exit 1" }, interval = "1s", timeout = "2s", retries = 1 }, watched: true);

    private async Task<JsonNode> CreateContainerAsync(string name, bool start, string[]? command, object? healthcheck, bool watched)
    {
        var labels = new Dictionary<string, string> { [TestEngine.Label] = TestEngine.RunId };
        if (watched)
            labels[$"{TestEngine.Label}.scope"] = Scope;
        var response = await CreateClient().PostAsJsonAsync("/api/v1/containers", new
        {
            name,
            image = TestEngine.Image,
            command = command ?? ["sleep", "3600"],
            labels,
            healthcheck,
            start,
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, text);
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode?> InspectAsync(string name)
    {
        var response = await CreateClient().GetAsync($"/api/v1/containers/{name}");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
