using DockerOps.Chat.Commands;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Posture;
using DockerOps.Core.Pruning;
using DockerOps.Core.Volumes;

namespace DockerOps.Chat.Tests;

public sealed class ResourceRepliesTests
{
    private static readonly Dictionary<string, string> NoLabels = [];

    [Fact]
    public void A_long_volume_list_is_cut_and_says_how_many_more()
    {
        var user = new ContainerUse("c1", "app", NoLabels);
        var volumes = Enumerable.Range(0, 30)
            .Select(i => new VolumeInfo($"vol-{i:00}", "local", null, "local", null, NoLabels, NoLabels, false, i == 0, i == 0 ? [user] : []))
            .ToList();

        var reply = ResourceReplies.Volumes(Outcome.Ok<IReadOnlyList<VolumeInfo>>(volumes));

        Assert.Equal("30 volume(s), 29 unused", reply.Headline);
        Assert.Equal(["Showing 25 of 30; 5 more not shown."], reply.Lines);
        var rows = reply.Code!.Split('\n');
        Assert.Equal(26, rows.Length);
        Assert.StartsWith("NAME", rows[0]);
        Assert.Matches(@"^vol-00\s+local\s+1$", rows[1]);
        Assert.DoesNotContain("vol-29", reply.Code);
    }

    [Fact]
    public void Df_shows_each_kind_with_totals_and_reclaimable()
    {
        var report = new DiskUsageReport(
            [new DiskUsageLine(ResourceKind.Images, 3, 1, 3L << 20, 2L << 20), new DiskUsageLine(ResourceKind.BuildCache, 0, 0, 0, 0)],
            3L << 20, 2L << 20);

        var reply = ResourceReplies.DiskUsage(Outcome.Ok(report));

        Assert.Equal("3.0 MiB used, 2.0 MiB reclaimable", reply.Headline);
        Assert.Matches(@"images\s+3\s+1\s+3\.0 MiB 2\.0 MiB", reply.Code);
        Assert.Contains("build cache", reply.Code);
    }

    [Fact]
    public void Posture_of_one_container_orders_findings_worst_first_with_their_fix()
    {
        var posture = new ContainerPosture("id", "web", "busybox",
        [
            new Finding("no-limits", Severity.Medium, "No memory limit", "d", "Set --memory"),
            new Finding("privileged", Severity.Critical, "Privileged", "d", "Drop --privileged"),
        ]);

        var reply = ResourceReplies.Posture(posture);

        Assert.Equal(ReplyTone.Warning, reply.Tone);
        Assert.Equal("`web`: 1 critical, 1 medium", reply.Headline);
        Assert.Equal(["CRITICAL Privileged. Fix: Drop --privileged", "MEDIUM No memory limit. Fix: Set --memory"], reply.Lines);
    }

    [Fact]
    public void Host_posture_is_summarised_by_severity()
    {
        var findings = new[] { new Finding("root", Severity.High, "Runs as root", "d", "USER") };
        var report = new PostureReport(2, SeverityCounts.Of(findings), [new ContainerPosture("a", "api", "i", findings), new ContainerPosture("b", "db", "i", [])]);

        var reply = ResourceReplies.Posture(Outcome.Ok(report));

        Assert.Equal("2 running container(s) checked: 0 critical, 1 high, 0 medium, 0 low", reply.Headline);
        Assert.Equal(["`api`: 1 high"], reply.Lines);
    }

    [Fact]
    public void A_prune_preview_lists_items_and_bytes_and_an_empty_one_asks_nothing()
    {
        var report = new PruneReport(true, [PruneKind.Images], [new PrunedItem(PruneKind.Images, "sha256:abcdef0123456789", null, 5L << 20)], 5L << 20, [], []);

        var preview = ResourceReplies.PrunePreview("images", Outcome.Ok(report));
        var empty = ResourceReplies.PrunePreview("images", Outcome.Ok(report with { Items = [], Bytes = 0 }));

        Assert.Equal(ReplyTone.Warning, preview.Tone);
        Assert.Equal("Prune images: 1 item(s), 5.0 MiB reclaimable?", preview.Headline);
        Assert.Matches(@"images\s+abcdef012345\s+5\.0 MiB", preview.Code);
        Assert.Equal(ReplyTone.Info, empty.Tone);
        Assert.Equal("Nothing to prune: no unused images match.", empty.Headline);
    }

    [Fact]
    public void Errors_read_like_the_other_commands()
    {
        var reply = ResourceReplies.PrunePreview("volumes", Error.Conflict("A volumes prune is already running."));

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Equal("Cannot do that now.", reply.Headline);
    }
}
