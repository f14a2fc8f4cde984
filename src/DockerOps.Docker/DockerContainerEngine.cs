using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using ContainerSpec = DockerOps.Core.Containers.ContainerSpec;

namespace DockerOps.Docker;

/// <summary>The engine port on Docker.DotNet. Every call has a real timeout (Docker.DotNet's own default is 100 s).</summary>
public sealed class DockerContainerEngine : IContainerEngine, IDisposable
{
    // Stats with stream=false wait for a second sample to compute CPU use; allow for that.
    private static readonly TimeSpan StatsSampleAllowance = TimeSpan.FromSeconds(5);

    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _client;
    private readonly DockerEngineSettings _settings;
    private readonly EngineCalls _calls;
    private readonly EngineHttp _http;

    public DockerContainerEngine(DockerEngineSettings settings)
    {
        _settings = settings;
        // Our own per-call deadlines govern; the client's is only a backstop for streams we forget to bound.
        _configuration = new DockerClientConfiguration(settings.ClientEndpoint, defaultTimeout: Timeout.InfiniteTimeSpan);
        _client = _configuration.CreateClient();
        _calls = new EngineCalls(settings.Name);
        _http = new EngineHttp(settings.Host);
    }

    public string Name => _settings.Name;

    internal DockerClient Client => _client;

    internal EngineCalls Calls => _calls;

    internal EngineHttp Http => _http;

    internal TimeSpan CallTimeout => _settings.CallTimeout;

    internal DockerEngineSettings Settings => _settings;

    public Task PingAsync(CancellationToken cancellationToken) =>
        _calls.RunAsync("ping", _settings.CallTimeout, cancellationToken, token => _client.System.PingAsync(token));

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken) =>
        _calls.RunAsync("list containers", _settings.CallTimeout, cancellationToken, async token =>
        {
            var path = EngineContainerList.PathAndQuery(query, all: query.All || query.State is not null);
            var list = await _http.GetAsync(path, EngineJson.Default.EngineContainerListItemArray, token).ConfigureAwait(false);
            return (IReadOnlyList<ContainerSummary>)Array.ConvertAll(list, Mapping.ToSummary);
        });

    public Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        _calls.RunAsync("inspect container", _settings.CallTimeout, cancellationToken, async token =>
            Mapping.ToDetails(await _client.Containers.InspectContainerAsync(id, token).ConfigureAwait(false)));

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) =>
        _calls.RunAsync("create container", _settings.CallTimeout, cancellationToken, async token =>
        {
            var parameters = ContainerCreation.ToParameters(spec);
            var created = await _client.Containers.CreateContainerAsync(parameters, token).ConfigureAwait(false);

            // API 1.41 takes one network at create time; the rest are connected here, and a failure
            // removes the container again so that a create is all or nothing.
            try
            {
                foreach (var network in spec.Networks.Skip(1))
                {
                    await _client.Networks.ConnectNetworkAsync(network.Name, new NetworkConnectParameters
                    {
                        Container = created.ID,
                        EndpointConfig = new EndpointSettings { Aliases = network.Aliases.ToList() },
                    }, token).ConfigureAwait(false);
                }
            }
            catch
            {
                await _client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            return created.ID;
        });

    public Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken) =>
        _calls.RunAsync("start container", StartDeadline, cancellationToken,
            token => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), token));

    public Task<bool> StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) =>
        _calls.RunAsync("stop container", StopDeadline(timeout), cancellationToken,
            token => _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = Seconds(timeout) }, token));

    public Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken) =>
        _calls.RunAsync("restart container", StopDeadline(timeout), cancellationToken,
            token => _client.Containers.RestartContainerAsync(id, new ContainerRestartParameters { WaitBeforeKillSeconds = Seconds(timeout) }, token));

    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) =>
        _calls.RunAsync("pause container", _settings.CallTimeout, cancellationToken, token => _client.Containers.PauseContainerAsync(id, token));

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) =>
        _calls.RunAsync("unpause container", _settings.CallTimeout, cancellationToken, token => _client.Containers.UnpauseContainerAsync(id, token));

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) =>
        _calls.RunAsync("kill container", _settings.CallTimeout, cancellationToken,
            token => _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = signal }, token));

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) =>
        // Removing a running container with force stops it first: give it the stop allowance.
        _calls.RunAsync("remove container", StopDeadline(null), cancellationToken,
            token => _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = force, RemoveVolumes = removeVolumes }, token));

    public async IAsyncEnumerable<LogChunk> ReadLogsAsync(string id, bool tty, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = query.Stdout,
            ShowStderr = query.Stderr,
            Timestamps = query.Timestamps,
            Follow = query.Follow,
            Tail = query.Tail.ToString(CultureInfo.InvariantCulture),
            Since = query.Since?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Until = query.Until?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };

        using var stream = await _calls.RunAsync("open logs", _settings.CallTimeout, cancellationToken,
            token => _client.Containers.GetContainerLogsAsync(id, tty, parameters, token)).ConfigureAwait(false);

        var buffer = new byte[16 * 1024];
        while (true)
        {
            // Reads are bounded by the caller's token (the client going away), not by the call timeout:
            // a followed log may stay quiet for a long time.
            var read = await _calls.RunAsync("read logs", Timeout.InfiniteTimeSpan, cancellationToken,
                token => stream.ReadOutputAsync(buffer, 0, buffer.Length, token)).ConfigureAwait(false);
            if (read.EOF || read.Count == 0)
                yield break;
            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? LogStream.Stderr : LogStream.Stdout;
            yield return new LogChunk(target, buffer.AsMemory(0, read.Count).ToArray());
        }
    }

    public Task<ContainerStats> GetStatsAsync(string id, CancellationToken cancellationToken) =>
        _calls.RunAsync("container stats", _settings.CallTimeout + StatsSampleAllowance, cancellationToken, async token =>
        {
            ContainerStatsResponse? sample = null;
            await _client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false },
                new Progress(s => sample = s), token).ConfigureAwait(false);
            return sample is null
                ? throw new EngineFailureException(Name, "The engine returned no stats sample.")
                : StatsCalculator.ToStats(id, sample);
        });

    public void Dispose()
    {
        _client.Dispose();
        _configuration.Dispose();
        _http.Dispose();
    }

    // Starting sets up the runtime, mounts and networks: on a busy host that outlasts a quick call's
    // deadline (seen at over 5 s here), yet it must still end; it gets the stop margin on top.
    private TimeSpan StartDeadline => _settings.CallTimeout + _settings.StopMargin;

    private TimeSpan StopDeadline(TimeSpan? stopTimeout) => (stopTimeout ?? TimeSpan.FromSeconds(10)) + _settings.StopMargin;

    private static uint? Seconds(TimeSpan? timeout) => timeout is null ? null : (uint)timeout.Value.TotalSeconds;

    /// <summary>A synchronous IProgress: Progress&lt;T&gt; would post to the thread pool and race the return.</summary>
    private sealed class Progress(Action<ContainerStatsResponse> report) : IProgress<ContainerStatsResponse>
    {
        public void Report(ContainerStatsResponse value) => report(value);
    }
}
