using DockerOps.Core.Common;
using DockerOps.Core.Alerts;
using DockerOps.Jobs.Storage;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Alerts;

/// <summary>A delivery that did not arrive; <see cref="Permanent"/> ones are not retried.</summary>
public sealed class AlertDeliveryException(string message, TimeSpan? retryAfter, bool permanent = false) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool Permanent { get; } = permanent;
}

/// <summary>
/// Sends one alert to one channel at most once: claims the delivery id in the ledger, sends, marks it
/// delivered. Both the immediate attempt and the Hangfire job come through here.
/// </summary>
public sealed partial class AlertDelivery(AlertSender sender, DeliveryLedger ledger, IOptionsMonitor<AlertOptions> options, ILogger<AlertDelivery> logger)
{
    public enum Outcome
    {
        Delivered,
        AlreadyDelivered,
        Busy,
        Failed,
    }

    public async Task<(Outcome Outcome, DeliveryResult? Result)> DeliverOnceAsync(string deliveryId, string channelName, Alert alert, CancellationToken cancellationToken)
    {
        var channel = options.CurrentValue.Find(channelName);
        if (channel is null)
            return (Outcome.Failed, new DeliveryResult(false, false, null, $"no alert channel is named '{channelName}' any more"));
        switch (ledger.TryClaim(deliveryId))
        {
            case DeliveryClaim.AlreadyDelivered:
                return (Outcome.AlreadyDelivered, null);
            case DeliveryClaim.Busy:
                return (Outcome.Busy, null);
        }

        DeliveryResult result;
        try
        {
            result = await sender.SendAsync(channel, alert, deliveryId, TimeSpan.FromSeconds(options.CurrentValue.RequestTimeoutSeconds), cancellationToken);
        }
        catch (Exception ex)
        {
            ledger.Release(deliveryId, ex.Message);
            DockerOpsMetrics.AlertDelivery(channelName, "failed");
            throw;
        }

        DockerOpsMetrics.AlertDelivery(channelName, result.Delivered ? "sent" : "failed");
        if (result.Delivered)
        {
            ledger.Delivered(deliveryId);
            LogDelivered(logger, alert.Id, channelName);
            return (Outcome.Delivered, result);
        }

        ledger.Release(deliveryId, result.Message);
        LogNotDelivered(logger, alert.Id, channelName, result.Message);
        return (Outcome.Failed, result);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} delivered to {Channel}")]
    private static partial void LogDelivered(ILogger logger, string alertId, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} not delivered to {Channel}: {Reason}")]
    private static partial void LogNotDelivered(ILogger logger, string alertId, string channel, string reason);
}

/// <summary>The durable path: a Hangfire job per alert and channel, retried by <see cref="AlertRetryAttribute"/>.</summary>
public sealed class AlertDeliveryJob(AlertDelivery delivery)
{
    public const string Queue = "alerts";

    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    [AlertRetry]
    public async Task DeliverAsync(string deliveryId, string channelName, Alert alert, CancellationToken cancellationToken)
    {
        var (outcome, result) = await delivery.DeliverOnceAsync(deliveryId, channelName, alert, cancellationToken);
        switch (outcome)
        {
            case AlertDelivery.Outcome.Busy:
                // Another attempt holds the lease; look again shortly to see whether it arrived.
                throw new AlertDeliveryException("another attempt is sending this alert", TimeSpan.FromSeconds(2));
            case AlertDelivery.Outcome.Failed:
                throw new AlertDeliveryException(result!.Message, result.RetryAfter, permanent: !result.Retryable);
        }
    }
}

/// <summary>
/// Retries a failed delivery with exponential backoff, or after exactly the receiver's
/// <c>Retry-After</c> when it gave one; a permanent refusal (a 404 webhook) is not retried.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlertRetryAttribute : JobFilterAttribute, IElectStateFilter
{
    public const string AttemptParameter = "AlertAttempt";
    private static readonly int[] BackoffSeconds = [1, 2, 5, 10, 30, 60, 120, 300, 600, 900];

    /// <summary>Set from <c>Alerts:MaxAttempts</c> at start.</summary>
    public static int MaxAttempts { get; set; } = 15;

    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not FailedState failed)
            return;
        var error = failed.Exception as AlertDeliveryException;
        if (error?.Permanent == true)
            return;
        var attempt = int.TryParse(context.Connection.GetJobParameter(context.BackgroundJob.Id, AttemptParameter), out var previous) ? previous + 1 : 1;
        if (attempt >= MaxAttempts)
            return;
        context.Connection.SetJobParameter(context.BackgroundJob.Id, AttemptParameter, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var delay = error?.RetryAfter ?? TimeSpan.FromSeconds(BackoffSeconds[Math.Min(attempt - 1, BackoffSeconds.Length - 1)]);
        context.CandidateState = new ScheduledState(delay) { Reason = $"Attempt {attempt} of {MaxAttempts} failed: {failed.Exception.Message}" };
    }
}

/// <summary>
/// Hands an alert to delivery: a durable Hangfire job per channel, plus an immediate attempt in
/// process so that the alert does not wait for the job queue's polling. The ledger makes sure the
/// two together deliver it once.
/// </summary>
public sealed partial class HangfireAlertPublisher(
    IBackgroundJobClient jobs, AlertDelivery delivery, IOptionsMonitor<AlertOptions> options, ILogger<HangfireAlertPublisher> logger) : IAlertPublisher
{
    public Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        foreach (var channel in options.CurrentValue.Channels)
        {
            var deliveryId = $"{alert.Id}/{channel.Name}";
            var name = channel.Name;
            _ = Task.Run(async () =>
            {
                try
                {
                    await delivery.DeliverOnceAsync(deliveryId, name, alert, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    // The job below retries; the immediate attempt is only a head start.
                    LogImmediateFailed(logger, alert.Id, name, ex);
                }
            }, CancellationToken.None);
            jobs.Create(Job.FromExpression<AlertDeliveryJob>(j => j.DeliverAsync(deliveryId, name, alert, CancellationToken.None)), new EnqueuedState(AlertDeliveryJob.Queue));
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate delivery of alert {AlertId} to {Channel} failed; the job will retry")]
    private static partial void LogImmediateFailed(ILogger logger, string alertId, string channel, Exception exception);
}
