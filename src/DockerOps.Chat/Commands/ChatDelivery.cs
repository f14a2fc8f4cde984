using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DockerOps.Chat.Identity;

namespace DockerOps.Chat.Commands;

/// <summary>
/// Keeps both platforms' 3-second rule: slow commands are acknowledged at once, quick ones are
/// answered inline unless they overrun the budget, in which case the answer follows later.
/// Work outlives the HTTP request, so it runs on the application's lifetime, not the request's.
/// </summary>
public sealed partial class ChatDelivery(IHostApplicationLifetime lifetime, TimeProvider clock, IOptions<ChatOptions> options, ILogger<ChatDelivery> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>The reply when it is ready within the budget; null when <paramref name="deliverLater"/> will get it.</summary>
    public async Task<ChatReply?> RunAsync(CommandRun run, Func<ChatReply, CancellationToken, Task> deliverLater)
    {
        var stopping = lifetime.ApplicationStopping;
        var execution = Begin(run, stopping);
        if (run.Slow)
        {
            Track(DeliverAsync(execution, deliverLater, stopping));
            return null;
        }

        var budget = Task.Delay(TimeSpan.FromMilliseconds(options.Value.InlineBudgetMilliseconds), clock, stopping);
        if (await Task.WhenAny(execution, budget) == execution)
            return await execution;
        Track(DeliverAsync(execution, deliverLater, stopping));
        return null;
    }

    /// <summary>
    /// Starts the run; returns its reply when it is quick and finished within the budget, else null
    /// with the execution still going (the caller defers, then delivers the execution's result).
    /// </summary>
    public async Task<(ChatReply? Inline, Task<ChatReply> Execution)> StartAsync(CommandRun run)
    {
        var stopping = lifetime.ApplicationStopping;
        var execution = Begin(run, stopping);
        if (run.Slow)
            return (null, execution);
        var budget = Task.Delay(TimeSpan.FromMilliseconds(options.Value.InlineBudgetMilliseconds), clock, stopping);
        return await Task.WhenAny(execution, budget) == execution ? (await execution, execution) : (null, execution);
    }

    /// <summary>Runs follow-up work (such as a later answer) on the application's lifetime.</summary>
    public void Track(Func<CancellationToken, Task> work) => Track(Task.Run(() => work(lifetime.ApplicationStopping)));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Lets answers in flight finish, briefly, before the host stops.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAny(Task.WhenAll(_running.Keys), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));

    // A slow command must not run its first synchronous stretch (resolving, connecting to the engine)
    // on the request's thread: the acknowledgement would wait for it.
    private static Task<ChatReply> Begin(CommandRun run, CancellationToken stopping) =>
        run.Slow ? Task.Run(() => run.ExecuteAsync(stopping), CancellationToken.None) : run.ExecuteAsync(stopping);

    private async Task DeliverAsync(Task<ChatReply> execution, Func<ChatReply, CancellationToken, Task> deliverLater, CancellationToken cancellationToken) =>
        await deliverLater(await execution, cancellationToken);

    private void Track(Task task)
    {
        _running[task] = true;
        task.ContinueWith(t =>
        {
            _running.TryRemove(t, out _);
            if (t.Exception is { } ex)
                LogDeliveryFailed(logger, ex.GetBaseException());
        }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat answer could not be delivered")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);
}
