using System.Collections.Concurrent;
using System.Threading.Channels;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using DockerOps.Core.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Health;

/// <summary>
/// Watches every engine's container events and turns them into incidents. The engine gives each
/// subscriber 100 ms per event before skipping it, so the reading loop only queues; one processor
/// applies events, reconciliations and recovery ticks in order. After every (re)connect, and every
/// <see cref="HealthOptions.ReconcileSeconds"/>, the container list is compared with what is known,
/// so that whatever the stream missed is still seen.
/// </summary>
public sealed partial class HealthWatcher(
    IEngineEventSources sources,
    IEngineRegistry engines,
    IncidentService incidents,
    AutoHealService autoHeal,
    IOptions<HealthOptions> options,
    TimeProvider clock,
    ILogger<HealthWatcher> logger) : BackgroundService
{
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, int> _subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _reconciliations = new(StringComparer.OrdinalIgnoreCase);
    private CancellationToken _stopping;

    /// <summary>How many times the stream of an engine has been (re)established.</summary>
    public int Subscriptions(string engine) => _subscriptions.GetValueOrDefault(engine);

    /// <summary>How many reconciliations of an engine have completed.</summary>
    public int Reconciliations(string engine) => _reconciliations.GetValueOrDefault(engine);

    /// <summary>Asks for a reconciliation of every engine now (the scheduled job and operators use this).</summary>
    public void RequestReconcile()
    {
        foreach (var engine in sources.Names)
            _work.Writer.TryWrite(new Work.Reconcile(engine));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        _stopping = stoppingToken;
        var tasks = new List<Task> { ProcessAsync(stoppingToken), TickAsync(stoppingToken) };
        tasks.AddRange(sources.Names.Select(name => WatchAsync(name, stoppingToken)));
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchAsync(string engine, CancellationToken stoppingToken)
    {
        var source = sources.Find(engine)!;
        var o = options.Value;
        var backoff = TimeSpan.FromSeconds(o.ReconnectMinSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in source.WatchEventsAsync(o.Labels, stoppingToken))
                {
                    if (e.Kind == EngineEventKind.Subscribed)
                    {
                        backoff = TimeSpan.FromSeconds(o.ReconnectMinSeconds);
                        var count = _subscriptions.AddOrUpdate(engine, 1, (_, n) => n + 1);
                        LogSubscribed(logger, engine, count);
                        _work.Writer.TryWrite(new Work.Reconcile(engine));
                    }
                    else
                    {
                        _work.Writer.TryWrite(new Work.Event(engine, e));
                    }
                }

                LogStreamEnded(logger, engine);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStreamFailed(logger, engine, backoff.TotalSeconds, ex.Message);
            }

            // Jitter spreads reconnects of several instances after an engine restart.
            var wait = backoff * (0.8 + Random.Shared.NextDouble() * 0.4);
            await Task.Delay(wait, clock, stoppingToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(o.ReconnectMaxSeconds).Ticks));
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        var reconcileEvery = TimeSpan.FromSeconds(options.Value.ReconcileSeconds);
        var lastReconcile = clock.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _work.Writer.TryWrite(new Work.Tick());
            if (clock.GetUtcNow() - lastReconcile >= reconcileEvery)
            {
                lastReconcile = clock.GetUtcNow();
                RequestReconcile();
            }
        }
    }

    private async Task ProcessAsync(CancellationToken stoppingToken)
    {
        var labels = options.Value.Labels;
        await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (work)
                {
                    case Work.Event(var engine, var e):
                        if (await incidents.HandleAsync(engine, e, stoppingToken) is { } unhealthy)
                            autoHeal.Request(unhealthy, labels, _stopping);
                        break;
                    case Work.Reconcile(var engine, _):
                        var engineClient = engines.Find(engine);
                        if (engineClient is null)
                            break;
                        var listedAt = clock.GetUtcNow();
                        var containers = await engineClient.ListContainersAsync(new ContainerQuery(All: true, Labels: labels), stoppingToken);
                        foreach (var sighting in await incidents.ReconcileAsync(engine, containers, listedAt, stoppingToken))
                            autoHeal.Request(sighting, labels, _stopping);
                        _reconciliations.AddOrUpdate(engine, 1, (_, n) => n + 1);
                        break;
                    case Work.Tick:
                        await incidents.TickAsync(stoppingToken);
                        break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // One bad event or an engine hiccup while reconciling must not stop the watch.
                LogWorkFailed(logger, work.GetType().Name, ex);
                if (work is Work.Reconcile failed)
                    RetryLater(failed, stoppingToken);
            }
        }
    }

    /// <summary>
    /// A failed reconciliation (often the first call on a connection the engine just dropped) is
    /// tried again soon: waiting for the next scheduled one would leave missed events unseen.
    /// </summary>
    private void RetryLater(Work.Reconcile failed, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(options.Value.ReconnectMaxSeconds, options.Value.ReconnectMinSeconds * Math.Pow(2, failed.Attempt)));
        _ = Task.Delay(delay, clock, stoppingToken).ContinueWith(
            _ => _work.Writer.TryWrite(failed with { Attempt = failed.Attempt + 1 }),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private abstract record Work
    {
        public sealed record Event(string Engine, ContainerEvent Value) : Work;

        public sealed record Reconcile(string Engine, int Attempt = 0) : Work;

        public sealed record Tick : Work;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching events of engine {Engine} (subscription {Count})")]
    private static partial void LogSubscribed(ILogger logger, string engine, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event stream of engine {Engine} ended; reconnecting")]
    private static partial void LogStreamEnded(ILogger logger, string engine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event stream of engine {Engine} failed; reconnecting in about {Seconds} s: {Reason}")]
    private static partial void LogStreamFailed(ILogger logger, string engine, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health watch could not process {Work}")]
    private static partial void LogWorkFailed(ILogger logger, string work, Exception exception);
}
