using DockerOps.Chat;
using DockerOps.Chat.Commands;
using DockerOps.Core.Access;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Chat.Tests;

/// <summary>The chat services over an engine with a few fixed containers, for tests that need no real engine or HTTP.</summary>
public sealed class ChatUnitHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly string? _ownedDataFolder;

    public ChatUnitHost(IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Chat:Identities:0:Platform"] = "slack",
            ["Chat:Identities:0:UserId"] = "UVIEWER",
            ["Chat:Identities:0:Role"] = "viewer",
            ["Chat:Identities:1:Platform"] = "slack",
            ["Chat:Identities:1:UserId"] = "UOPERATOR",
            ["Chat:Identities:1:Role"] = "operator",
            ["Chat:Identities:2:Platform"] = "slack",
            ["Chat:Identities:2:UserId"] = "UADMIN",
            ["Chat:Identities:2:Role"] = "admin",
            ["Chat:Identities:3:Platform"] = "slack",
            ["Chat:Identities:3:UserId"] = "UADMIN2",
            ["Chat:Identities:3:Role"] = "admin",
            ["Chat:Identities:4:Platform"] = "discord",
            ["Chat:Identities:4:RoleId"] = "555",
            ["Chat:Identities:4:Role"] = "operator",
            ["Chat:Identities:4:Scope:Names:0"] = "api-*",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        // Confirmations live in the data folder: a host gets its own unless it is given one to share.
        if (!values.ContainsKey(ChatSetup.DataFolderSetting))
        {
            _ownedDataFolder = Directory.CreateTempSubdirectory("dockerops-chat-unit-").FullName;
            values[ChatSetup.DataFolderSetting] = _ownedDataFolder;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IEngineRegistry>(new FixedEngineRegistry(Engine));
        services.AddSingleton<IAuditTrail>(Audit);
        services.AddSingleton<ActionGate>();
        services.AddSingleton(new ContainerGuardRails(new GuardRailSettings()));
        services.AddSingleton<ContainerService>();
        services.AddChat(configuration);
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public FixedEngine Engine { get; } = new();

    public InMemoryAuditTrail Audit { get; } = new();

    public ChatCommandRunner Runner => _provider.GetRequiredService<ChatCommandRunner>();

    public CommandRegistry Registry => _provider.GetRequiredService<CommandRegistry>();

    public static ChatUser Slack(string userId, string? channel = "C1") => new(ChatPlatform.Slack, userId, userId.ToLowerInvariant(), [], channel);

    /// <summary>Runs a command to its reply, the way a platform would, however slow.</summary>
    public async Task<ChatReply> RunAsync(ChatUser user, string text)
    {
        var turn = Runner.Begin(user, ChatInput.FromText(text));
        return turn.Immediate ?? await turn.Run!.ExecuteAsync(CancellationToken.None);
    }

    public async Task<ChatReply> ClickAsync(ChatUser user, string actionId)
    {
        var turn = Runner.Click(user, actionId);
        return turn.Immediate ?? await turn.Run!.ExecuteAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _provider.Dispose();
        if (_ownedDataFolder is null)
            return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_ownedDataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open goes with the temp folder; results do not depend on it.
        }
    }
}

public sealed class FixedEngineRegistry(IContainerEngine engine) : IEngineRegistry
{
    public string DefaultName => engine.Name;

    public IReadOnlyCollection<string> Names => [engine.Name];

    public IContainerEngine? Find(string name) => name == engine.Name ? engine : null;
}

/// <summary>An engine holding a few containers in memory; it records the actions asked of it.</summary>
public sealed class FixedEngine : IContainerEngine
{
    public List<ContainerSummary> Containers { get; } =
    [
        Summary("api-1", ContainerState.Running),
        Summary("worker", ContainerState.Running),
        Summary("vault", ContainerState.Running, new Dictionary<string, string> { ["dockerops.protected"] = "true" }),
        Summary("old", ContainerState.Exited),
    ];

    public List<string> Actions { get; } = [];

    public string Name => "local";

    public static ContainerSummary Summary(string name, ContainerState state, Dictionary<string, string>? labels = null) =>
        new($"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))}", name, "busybox", state, state.ToString(),
            HealthStatus.None, labels ?? [], DateTimeOffset.UnixEpoch, [], null, null);

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContainerSummary>>(Containers.Where(c => query.Name is null || c.Name.Contains(query.Name, StringComparison.Ordinal)).ToList());

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        var c = Containers.FirstOrDefault(x => x.Id == id) ?? throw new EngineNotFoundException(Name, $"No such container: {id}");
        var running = c.State == ContainerState.Running;
        return Task.FromResult(new ContainerDetails(c.Id, c.Name, c.Image, "sha256:0", c.Created,
            new ContainerConfig(c.Image, [], [], [], null, false, null, 0),
            new StateDetails(c.State, running, false, false, false, false, 1, 0, null, DateTimeOffset.UnixEpoch, null),
            new HealthReport(HealthStatus.None, 0, [], null), 0, c.Labels, [], [], [], new ResourceLimits(null, null, null),
            new SecurityOptions(null, false, false, false, [], [], [], null, null, null), null, null));
    }

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => throw new EngineFailureException(Name, "not supported here");

    public Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken) => Record("start", id, true);

    public Task<bool> StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Record("stop", id, true);

    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) => Record("restart", id, true);

    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => Record("pause", id, true);

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => Record("unpause", id, true);

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) => Record("kill", id, true);

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) => Record("rm", id, true);

    public async IAsyncEnumerable<LogChunk> ReadLogsAsync(string id, bool tty, LogQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new LogChunk(LogStream.Stdout, "hello from the log\n"u8.ToArray());
    }

    public Task<ContainerStats> GetStatsAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(new ContainerStats(id, "x", DateTimeOffset.UnixEpoch, 1.5, 1 << 20, 1 << 30, 0.1, 10, 20, 30, 40, 2));

    private Task<bool> Record(string action, string id, bool changed)
    {
        lock (Actions)
            Actions.Add($"{action} {Containers.First(c => c.Id == id).Name}");
        return Task.FromResult(changed);
    }
}
