using System.Globalization;
using System.Text;
using DockerOps.Core.Access;
using DockerOps.Core.Alerts;
using DockerOps.Core.Common;
using DockerOps.Core.Pruning;
using Microsoft.Extensions.Logging;

namespace DockerOps.Jobs.Scheduling;

/// <summary>
/// The scheduled prunes, one recurring job per kind. Each run prunes through Core's PruneService as the
/// job actor (so it is audited with channel <c>job</c>), then reports what went, or in dry-run mode what
/// would go, to the alert channels.
/// </summary>
public sealed partial class PruneJobs(PruneService prunes, ActionGate gate, IAlertPublisher alerts, TimeProvider clock, ILogger<PruneJobs> logger)
{
    public const string Containers = "prune-containers";
    public const string Images = "prune-images";
    public const string Networks = "prune-networks";
    public const string BuildCache = "prune-build-cache";
    public const string Volumes = "prune-volumes";

    /// <summary>Option names every prune job takes.</summary>
    public const string UntilOption = "until";
    public const string LabelsOption = "labels";
    public const string DryRunOption = "dryRun";

    private const int ListedItems = 20;

    public static IReadOnlyDictionary<string, (PruneKind Kind, string Description, string Cron, bool Enabled)> Kinds { get; } =
        new Dictionary<string, (PruneKind, string, string, bool)>(StringComparer.OrdinalIgnoreCase)
        {
            [Containers] = (PruneKind.Containers, "Removes stopped containers older than until (and matching labels).", "30 4 * * *", true),
            [Images] = (PruneKind.Images, "Removes dangling images older than until (and matching labels).", "40 4 * * *", true),
            [Networks] = (PruneKind.Networks, "Removes unused networks older than until (and matching labels).", "50 4 * * *", true),
            [BuildCache] = (PruneKind.BuildCache, "Removes build cache older than until.", "0 5 * * *", true),
            // Volumes hold data: their prune is off until someone turns it on.
            [Volumes] = (PruneKind.Volumes, "Removes unused volumes older than until (and matching labels); off unless enabled.", "10 5 * * *", false),
        };

    public static Dictionary<string, string> DefaultOptions() => new()
    {
        [UntilOption] = "24h",
        [LabelsOption] = "",
        [DryRunOption] = "false",
    };

    /// <summary>Refuses options a run would refuse, so that a bad value is reported when it is set rather than at 4 am.</summary>
    public static Error? ValidateOptions(IReadOnlyDictionary<string, string> options, DateTimeOffset now)
    {
        if (options.GetValueOrDefault(DryRunOption) is { Length: > 0 } dryRun && !bool.TryParse(dryRun, out _))
            return Error.Invalid($"options.{DryRunOption}", $"dryRun must be true or false (got '{dryRun}').");
        if (options.GetValueOrDefault(UntilOption) is { Length: > 0 } until && !PointInTime.TryParse(until, now, out _))
            return Error.Invalid($"options.{UntilOption}", "until must be a duration back from now (24h, 10m), an RFC 3339 time or Unix seconds.");
        return LabelSelectors.Validate($"options.{LabelsOption}", SplitLabels(options.GetValueOrDefault(LabelsOption)));
    }

    private static string[] SplitLabels(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static Actor ActorFor(string id) => new($"job:{id}", id, Channel.Job, Role.Admin, AccessScope.Unrestricted);

    public async Task RunAsync(string id, JobSettings settings, CancellationToken cancellationToken)
    {
        var kind = Kinds[id].Kind;
        var dryRun = bool.TryParse(settings.Options.GetValueOrDefault(DryRunOption), out var parsed) && parsed;
        var until = settings.Options.GetValueOrDefault(UntilOption) is { Length: > 0 } text ? text : null;
        var labels = SplitLabels(settings.Options.GetValueOrDefault(LabelsOption));
        var request = new PruneRequest(dryRun, until, labels);
        var actor = ActorFor(id);
        // A preview changes nothing, so Core does not record it; the job's run is recorded all the same.
        var result = dryRun
            ? await gate.RunAsync(actor, Permission.Prune, $"{Action(kind)}.preview",
                new Dictionary<string, string?> { ["job"] = id, ["until"] = until, ["label"] = string.Join(",", labels) },
                _ => PruneAsync(kind, actor, request, cancellationToken), cancellationToken)
            : await PruneAsync(kind, actor, request, cancellationToken);
        if (!result.IsOk)
        {
            // A refused prune (bad until or labels in the settings) will not fix itself by retrying.
            LogRefused(logger, id, result.Error!.Detail);
            return;
        }

        var report = result.Value;
        LogPruned(logger, id, report.DryRun, report.Items.Count, report.Bytes);
        await alerts.PublishAsync(ToAlert(id, kind, report), cancellationToken);
    }

    private async Task<Result<PruneReport>> PruneAsync(PruneKind kind, Actor actor, PruneRequest request, CancellationToken cancellationToken) => kind switch
    {
        PruneKind.Containers => await prunes.PruneContainersAsync(actor, request, null, cancellationToken),
        PruneKind.Images => await prunes.PruneImagesAsync(actor, request, null, cancellationToken),
        PruneKind.Networks => await prunes.PruneNetworksAsync(actor, request, null, cancellationToken),
        PruneKind.Volumes => await prunes.PruneVolumesAsync(actor, request, null, cancellationToken),
        _ => await prunes.PruneBuildCacheAsync(actor, request, null, cancellationToken),
    };

    private static string Action(PruneKind kind) => $"{kind.ToString().ToLowerInvariant()}.prune";

    private Alert ToAlert(string id, PruneKind kind, PruneReport report)
    {
        var now = clock.GetUtcNow();
        var noun = kind switch
        {
            PruneKind.BuildCache => "build cache entries",
            _ => kind.ToString().ToLowerInvariant(),
        };
        var size = Size(report.Bytes);
        var title = report.DryRun
            ? $"Prune preview ({id}): {report.Items.Count} {noun} would go, {size} reclaimable"
            : $"Pruned ({id}): {report.Items.Count} {noun} removed, {size} reclaimed";
        var summary = new StringBuilder();
        foreach (var item in report.Items.Take(ListedItems))
            summary.Append("- ").Append(item.Name ?? item.Id).Append(" (").Append(Size(item.SizeBytes)).Append(")\n");
        if (report.Items.Count > ListedItems)
            summary.Append("- and ").Append(report.Items.Count - ListedItems).Append(" more\n");
        foreach (var skipped in report.Skipped)
            summary.Append("- kept ").Append(skipped.Name ?? skipped.Id).Append(": ").Append(skipped.Reason).Append('\n');
        if (summary.Length == 0)
            summary.Append("Nothing to remove.");
        // One report per run: the id is unique so that two runs are two messages, and delivery retries keep it.
        var alertId = $"{id}-{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        return new Alert(alertId, AlertKind.Report, null, "-", "-", "-", null, now, now, title, summary.ToString().TrimEnd(), null, null, []);
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Prune job {Id} (dry run: {DryRun}): {Count} objects, {Bytes} bytes")]
    private static partial void LogPruned(ILogger logger, string id, bool dryRun, int count, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prune job {Id} was refused: {Detail}")]
    private static partial void LogRefused(ILogger logger, string id, string detail);
}
