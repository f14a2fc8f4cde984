using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Core.Common;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Alerts;

public sealed record ChannelTestResult(string Channel, string Type, bool Delivered, int? Status, string Message);

/// <summary>Alert use cases for operators: send a test message to every channel and say how each went.</summary>
public sealed class AlertsService(AlertSender sender, IOptionsMonitor<AlertOptions> options, ActionGate gate, TimeProvider clock)
{
    public Task<Result<IReadOnlyList<ChannelTestResult>>> TestAsync(Actor actor, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.IncidentsWrite, "alert.test", null, async _ =>
        {
            var now = clock.GetUtcNow();
            var id = $"test-{Guid.NewGuid():N}"[..21];
            var alert = new Alert(id, AlertKind.Test, null, "-", "-", "-", null, now, now,
                "DockerOps test alert", $"A test message sent by {actor.DisplayName}: if you can read this, alerts reach this channel.", null, null, []);
            var timeout = TimeSpan.FromSeconds(options.CurrentValue.RequestTimeoutSeconds);
            var results = await Task.WhenAll(options.CurrentValue.Channels.Select(async channel =>
            {
                var result = await sender.SendAsync(channel, alert, $"{id}/{channel.Name}", timeout, cancellationToken);
                return new ChannelTestResult(channel.Name, channel.Kind.ToString().ToLowerInvariant(), result.Delivered, result.Status, result.Message);
            }));
            return Ok<IReadOnlyList<ChannelTestResult>>(results);
        }, cancellationToken);

    private static Result<T> Ok<T>(T value) => value;
}
