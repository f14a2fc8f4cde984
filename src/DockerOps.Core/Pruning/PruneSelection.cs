using DockerOps.Core.Access;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Networks;
using DockerOps.Core.Volumes;

namespace DockerOps.Core.Pruning;

/// <summary>
/// The engine's prune rules as pure functions over what it reports, so that a preview and the real
/// prune choose from the same list. A system prune removes containers first, so images and volumes
/// used only by those containers count as unused in the same preview.
/// </summary>
public static class PruneSelection
{
    public static IReadOnlyList<PrunedItem> Containers(DiskUsage usage, PruneFilter filter, AccessScope scope) =>
        usage.Containers
            .Where(c => !SystemService.IsActive(c.State) && scope.Includes(c.Name, c.Labels) && filter.Admits(c.Labels, c.Created))
            .Select(c => new PrunedItem(PruneKind.Containers, c.Id, c.Name, Math.Max(0, c.WritableBytes)))
            .ToList();

    public static IReadOnlyList<PrunedItem> Volumes(DiskUsage usage, PruneFilter filter, bool includeNamed, IReadOnlySet<string> removedContainers)
    {
        var stillUsed = usage.Containers.Where(c => !removedContainers.Contains(c.Id)).SelectMany(c => c.Volumes).ToHashSet(StringComparer.Ordinal);
        return usage.Volumes
            .Where(v => !stillUsed.Contains(v.Name) && (v.RefCount <= 0 || RefsAllRemoved(v, usage, removedContainers)))
            .Where(v => includeNamed || AnonymousVolumes.IsAnonymous(v.Name, v.Labels))
            .Where(v => filter.Admits(v.Labels, v.Created))
            .Select(v => new PrunedItem(PruneKind.Volumes, v.Name, v.Name, Math.Max(0, v.SizeBytes)))
            .ToList();
    }

    public static IReadOnlyList<PrunedItem> Images(DiskUsage usage, PruneFilter filter, bool all, IReadOnlySet<string> removedContainers)
    {
        var usedImages = usage.Containers.Where(c => !removedContainers.Contains(c.Id)).Select(c => c.ImageId).ToHashSet(StringComparer.Ordinal);
        var parents = usage.Images.Where(i => !string.IsNullOrEmpty(i.ParentId)).Select(i => i.ParentId!).ToHashSet(StringComparer.Ordinal);
        return usage.Images
            .Where(i => !usedImages.Contains(i.Id) && !parents.Contains(i.Id))
            .Where(i => all || i.Dangling)
            .Where(i => filter.Admits(i.Labels, i.Created))
            .Select(i => new PrunedItem(PruneKind.Images, i.Id, i.Dangling ? null : string.Join(", ", i.Tags), i.UniqueBytes))
            .ToList();
    }

    /// <summary>Networks with no endpoints that are not predefined; the engine never prunes bridge, host, none or ingress networks.</summary>
    public static IReadOnlyList<PrunedItem> Networks(IReadOnlyList<NetworkInfo> networks, PruneFilter filter) =>
        networks
            .Where(n => !n.Predefined && !n.Ingress && n.AttachedCount == 0 && filter.Admits(n.Labels, n.Created))
            .Select(n => new PrunedItem(PruneKind.Networks, n.Id, n.Name, 0))
            .ToList();

    public static IReadOnlyList<PrunedItem> BuildCache(DiskUsage usage, PruneFilter filter) =>
        usage.BuildCache
            .Where(b => !b.InUse && (filter.Until is null || b.LastUsed is null || b.LastUsed <= filter.Until))
            .Select(b => new PrunedItem(PruneKind.BuildCache, b.Id, b.Type, b.Shared ? 0 : Math.Max(0, b.SizeBytes)))
            .ToList();

    /// <summary>A volume the engine counts as used becomes unused only when every container counted goes in this prune.</summary>
    private static bool RefsAllRemoved(VolumeUsage volume, DiskUsage usage, IReadOnlySet<string> removedContainers) =>
        usage.Containers.Count(c => removedContainers.Contains(c.Id) && c.Volumes.Contains(volume.Name)) >= volume.RefCount;
}
