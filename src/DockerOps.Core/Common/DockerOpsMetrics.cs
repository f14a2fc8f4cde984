using System.Diagnostics.Metrics;

namespace DockerOps.Core.Common;

/// <summary>
/// The product's own instruments, on one <see cref="Meter"/> so that any exporter (Prometheus at
/// <c>/metrics</c>) sees them. Recording is cheap and lock-free; nothing here knows about HTTP.
/// </summary>
public static class DockerOpsMetrics
{
    public const string MeterName = "DockerOps";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Histogram<double> EngineCallDuration = Meter.CreateHistogram<double>(
        "dockerops.engine.call.duration", "s", "Duration of engine calls by operation and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly Counter<long> EngineCallFailures = Meter.CreateCounter<long>(
        "dockerops.engine.call.failures", description: "Engine calls that failed, by operation and kind of failure.");

    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>(
        "dockerops.jobs.runs", description: "Job runs by job and outcome.");

    private static readonly Counter<long> AlertDeliveries = Meter.CreateCounter<long>(
        "dockerops.alerts.deliveries", description: "Alert deliveries by channel and outcome.");

    // Read from the incident store at each scrape, so the figure survives restarts and several writers.
    private static readonly List<Func<long>> OpenIncidentSources = [];

    private static readonly ObservableGauge<long> IncidentsOpen = Meter.CreateObservableGauge(
        "dockerops.incidents.open", () =>
        {
            lock (OpenIncidentSources)
                return OpenIncidentSources.Sum(source => source());
        }, description: "Incidents currently open.");

    private static readonly Counter<long> ChatCommands = Meter.CreateCounter<long>(
        "dockerops.chat.commands", description: "Chat commands by platform, verb and outcome.");

    public static void EngineCall(string engine, string operation, TimeSpan duration, string outcome)
    {
        EngineCallDuration.Record(duration.TotalSeconds,
            new("engine", engine), new("operation", operation), new("outcome", outcome));
        if (outcome != "ok")
            EngineCallFailures.Add(1, new("engine", engine), new("operation", operation), new("kind", outcome));
    }

    public static void JobRun(string job, string outcome) => JobRuns.Add(1, new("job", job), new("outcome", outcome));

    public static void AlertDelivery(string channel, string outcome) => AlertDeliveries.Add(1, new("channel", channel), new("outcome", outcome));

    /// <summary>Adds an incident store to the open-incidents gauge; dispose the result to take it away again.</summary>
    public static IDisposable ObserveOpenIncidents(Func<long> countOpen)
    {
        lock (OpenIncidentSources)
            OpenIncidentSources.Add(countOpen);
        return new Unsubscriber(() =>
        {
            lock (OpenIncidentSources)
                OpenIncidentSources.Remove(countOpen);
        });
    }

    private sealed class Unsubscriber(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    public static void ChatCommand(string platform, string verb, string outcome) =>
        ChatCommands.Add(1, new("platform", platform), new("verb", verb), new("outcome", outcome));
}
