using System.Globalization;
using System.Text;
using DockerOps.Core.Common;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Images;
using DockerOps.Core.Networks;
using DockerOps.Core.Posture;
using DockerOps.Core.Pruning;
using DockerOps.Core.Volumes;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Commands;

/// <summary>
/// Volumes, networks, images, disk usage, posture and prunes as short chat answers, through the same
/// use cases as the REST API (same actor, permission, scope and audit).
/// </summary>
public static class ResourceReplies
{
    /// <summary>Rows a list shows before it says how many more there are; chat messages have to stay short.</summary>
    public const int MaxRows = 25;

    public static async Task<ChatReply> VolumesAsync(CommandContext c) =>
        Volumes(await c.Services.GetRequiredService<VolumeService>().ListAsync(c.Actor, new VolumeQuery(Labels: Labels(c)), null, c.CancellationToken));

    public static async Task<ChatReply> NetworksAsync(CommandContext c) =>
        Networks(await c.Services.GetRequiredService<NetworkService>().ListAsync(c.Actor, new NetworkQuery(Labels: Labels(c)), null, c.CancellationToken));

    public static async Task<ChatReply> ImagesAsync(CommandContext c) =>
        Images(await c.Services.GetRequiredService<ImageService>().ListAsync(c.Actor, new ImageQuery(Labels: Labels(c)), null, c.CancellationToken));

    public static async Task<ChatReply> DiskUsageAsync(CommandContext c) =>
        DiskUsage(await c.Services.GetRequiredService<SystemService>().GetDiskUsageAsync(c.Actor, null, c.CancellationToken));

    public static async Task<ChatReply> PostureAsync(CommandContext c)
    {
        var report = await c.Services.GetRequiredService<PostureService>().ReportAsync(c.Actor, null, c.CancellationToken);
        if (c.Args.Text("container") is null)
            return Posture(report);
        // Resolved the way every container command is: scope, ambiguity and 404 included.
        var container = await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken);
        if (!container.IsOk)
            return Replies.FromError(container.Error!);
        if (!report.IsOk)
            return Replies.FromError(report.Error!);
        var posture = report.Value.Containers.FirstOrDefault(p => p.Id == container.Value.Id);
        return posture is null
            ? ChatReply.Info($"{Replies.Code(container.Value.Name)} is not running; posture covers running containers.")
            : Posture(posture);
    }

    /// <summary>The dry run a prune confirmation shows, or the whole answer to <c>prune --dry-run</c>.</summary>
    public static async Task<ChatReply> PrunePreviewAsync(CommandContext c) =>
        PrunePreview(Target(c), await PruneAsync(c, dryRun: true));

    public static async Task<ChatReply> PruneAsync(CommandContext c) =>
        c.Args.Flag("dry-run") ? await PrunePreviewAsync(c) : Pruned(c, Target(c), await PruneAsync(c, dryRun: false));

    /// <summary>A dry run needs no confirmation: it changes nothing.</summary>
    public static Task<bool> PruneNeedsConfirmationAsync(CommandContext c) => Task.FromResult(!c.Args.Flag("dry-run"));

    private static Task<Result<PruneReport>> PruneAsync(CommandContext c, bool dryRun)
    {
        var prunes = c.Services.GetRequiredService<PruneService>();
        var request = new PruneRequest(dryRun, Labels: Labels(c));
        return Target(c) switch
        {
            "containers" => prunes.PruneContainersAsync(c.Actor, request, null, c.CancellationToken),
            "images" => prunes.PruneImagesAsync(c.Actor, request, null, c.CancellationToken),
            "volumes" => prunes.PruneVolumesAsync(c.Actor, request, null, c.CancellationToken),
            "networks" => prunes.PruneNetworksAsync(c.Actor, request, null, c.CancellationToken),
            _ => prunes.PruneSystemAsync(c.Actor, request, null, c.CancellationToken),
        };
    }

    private static string Target(CommandContext c) => c.Args.Text("target") ?? "system";

    private static IReadOnlyList<string>? Labels(CommandContext c) => c.Args.List("label") is { Count: > 0 } labels ? labels : null;

    public static ChatReply Volumes(Result<IReadOnlyList<VolumeInfo>> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var volumes = result.Value.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        if (volumes.Count == 0)
            return ChatReply.Info("No volumes you can see.");
        return Table($"{volumes.Count} volume(s), {volumes.Count(v => !v.InUse)} unused", volumes.Count,
            $"{"NAME",-40} {"DRIVER",-8} USERS",
            volumes.Take(MaxRows).Select(v => $"{Cut(v.Name, 40),-40} {Cut(v.Driver, 8),-8} {v.UsedBy.Count}"));
    }

    public static ChatReply Networks(Result<IReadOnlyList<NetworkInfo>> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var networks = result.Value.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (networks.Count == 0)
            return ChatReply.Info("No networks you can see.");
        return Table($"{networks.Count} network(s)", networks.Count,
            $"{"NAME",-32} {"DRIVER",-8} {"SCOPE",-6} CONTAINERS",
            networks.Take(MaxRows).Select(n => $"{Cut(n.Name, 32),-32} {Cut(n.Driver, 8),-8} {Cut(n.Scope, 6),-6} {n.AttachedCount}"));
    }

    public static ChatReply Images(Result<IReadOnlyList<ImageSummary>> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var images = result.Value.OrderByDescending(i => i.SizeBytes).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        if (images.Count == 0)
            return ChatReply.Info("No images.");
        return Table($"{images.Count} image(s), {Bytes(images.Sum(i => i.SizeBytes))}, {images.Count(i => i.Dangling)} dangling", images.Count,
            $"{"TAG",-40} {"ID",-12} {"SIZE",9} USERS",
            images.Take(MaxRows).Select(i => $"{Cut(i.Tags.FirstOrDefault() ?? "<none>", 40),-40} {ShortId(i.Id),-12} {Bytes(i.SizeBytes),9} {i.UsedBy.Count}"));
    }

    public static ChatReply DiskUsage(Result<DiskUsageReport> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var r = result.Value;
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"KIND",-11} {"TOTAL",5} {"ACTIVE",6} {"SIZE",9} RECLAIMABLE");
        foreach (var line in r.Kinds)
            table.AppendLine(CultureInfo.InvariantCulture, $"{Kind(line.Kind),-11} {line.Total,5} {line.Active,6} {Bytes(line.SizeBytes),9} {Bytes(line.ReclaimableBytes)}");
        return ChatReply.Info($"{Bytes(r.TotalBytes)} used, {Bytes(r.ReclaimableBytes)} reclaimable") with { Code = table.ToString().TrimEnd() };
    }

    public static ChatReply Posture(Result<PostureReport> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var r = result.Value;
        var s = r.Summary;
        var headline = $"{r.ContainersChecked} running container(s) checked: {s.Critical} critical, {s.High} high, {s.Medium} medium, {s.Low} low";
        var worst = r.Containers
            .Where(p => p.Findings.Count > 0)
            .OrderByDescending(p => p.Findings.Max(f => f.Severity)).ThenByDescending(p => p.Findings.Count).ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        var lines = worst.Take(10).Select(p => $"{Replies.Code(p.Name)}: {Counts(SeverityCounts.Of(p.Findings))}").ToList();
        if (worst.Count > 10)
            lines.Add($"…and {worst.Count - 10} more; `posture <container>` shows one container's findings.");
        return new ChatReply(s.Critical + s.High > 0 ? ReplyTone.Warning : ReplyTone.Info, headline, lines);
    }

    public static ChatReply Posture(ContainerPosture posture)
    {
        if (posture.Findings.Count == 0)
            return ChatReply.Success($"{Replies.Code(posture.Name)}: no findings.");
        var lines = posture.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Rule, StringComparer.Ordinal)
            .Select(f => $"{f.Severity.ToString().ToUpperInvariant()} {f.Title}. Fix: {f.Fix}").ToList();
        var worst = posture.Findings.Max(f => f.Severity);
        return new ChatReply(worst >= Severity.High ? ReplyTone.Warning : ReplyTone.Info,
            $"{Replies.Code(posture.Name)}: {Counts(SeverityCounts.Of(posture.Findings))}", lines);
    }

    public static ChatReply PrunePreview(string target, Result<PruneReport> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var r = result.Value;
        if (r.Items.Count == 0)
            return ChatReply.Info($"Nothing to prune: no unused {target} match.", r.Notes.ToArray());
        return ChatReply.Warning($"Prune {target}: {r.Items.Count} item(s), {Bytes(r.Bytes)} reclaimable?", [.. r.Notes])
            with { Code = Items(r.Items) };
    }

    public static ChatReply Pruned(CommandContext c, string target, Result<PruneReport> result)
    {
        if (!result.IsOk)
            return Replies.FromError(result.Error!);
        var r = result.Value;
        if (r.Items.Count == 0 && r.Skipped.Count == 0)
            return ChatReply.Info($"Nothing was pruned: no unused {target} matched.");
        var lines = new List<string>(r.Notes);
        if (r.Skipped.Count > 0)
            lines.Add($"Skipped {r.Skipped.Count} that came into use: " + string.Join(", ", r.Skipped.Take(10).Select(s => Replies.Code(s.Name ?? ShortId(s.Id)))));
        return ChatReply.Success($"{c.User.Mention} pruned {target}: {r.Items.Count} removed, {Bytes(r.Bytes)} reclaimed", [.. lines])
            with { Code = r.Items.Count > 0 ? Items(r.Items) : null };
    }

    private static string Items(IReadOnlyList<PrunedItem> items)
    {
        var table = new StringBuilder();
        foreach (var item in items.OrderByDescending(i => i.SizeBytes).Take(MaxRows))
            table.AppendLine(CultureInfo.InvariantCulture, $"{Lower(item.Kind),-10} {Cut(item.Name ?? ShortId(item.Id), 44),-44} {Bytes(item.SizeBytes),9}");
        if (items.Count > MaxRows)
            table.AppendLine(CultureInfo.InvariantCulture, $"…and {items.Count - MaxRows} more");
        return table.ToString().TrimEnd();
    }

    internal static ChatReply Table(string headline, int count, string header, IEnumerable<string> rows)
    {
        var lines = count > MaxRows ? new[] { $"Showing {MaxRows} of {count}; {count - MaxRows} more not shown." } : [];
        return ChatReply.Info(headline, lines) with { Code = string.Join('\n', new[] { header }.Concat(rows)) };
    }

    private static string Counts(SeverityCounts s) =>
        string.Join(", ", new[] { (s.Critical, "critical"), (s.High, "high"), (s.Medium, "medium"), (s.Low, "low") }.Where(x => x.Item1 > 0).Select(x => $"{x.Item1} {x.Item2}"));

    private static string Kind(ResourceKind kind) => kind == ResourceKind.BuildCache ? "build cache" : Lower(kind);

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string ShortId(string id)
    {
        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return bare[..Math.Min(12, bare.Length)];
    }

    internal static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
