using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Engines;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Networks;

namespace DockerOps.Core.Pruning;

/// <summary>
/// Prunes with a preview. A dry run lists exactly what would go, with sizes; a real prune makes the
/// same selection and removes those objects one by one, without force, so an object that came into
/// use in between is skipped and reported rather than taken. Objects labelled <c>dockerops.keep=true</c>
/// are never selected.
/// </summary>
public sealed class PruneService(IResourceEngineRegistry engines, ActionGate gate, PruneLocks locks, TimeProvider clock)
{
    public static readonly IReadOnlyList<PruneKind> SystemKinds = [PruneKind.Containers, PruneKind.Networks, PruneKind.Images, PruneKind.BuildCache];

    public Task<Result<PruneReport>> PruneContainersAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, [PruneKind.Containers], request, engine, cancellationToken);

    public Task<Result<PruneReport>> PruneVolumesAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, [PruneKind.Volumes], request, engine, cancellationToken);

    public Task<Result<PruneReport>> PruneNetworksAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, [PruneKind.Networks], request, engine, cancellationToken);

    public Task<Result<PruneReport>> PruneImagesAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, [PruneKind.Images], request, engine, cancellationToken);

    public Task<Result<PruneReport>> PruneBuildCacheAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, [PruneKind.BuildCache], request, engine, cancellationToken);

    /// <summary>Containers, networks, images and build cache; volumes only when <see cref="PruneRequest.Volumes"/> asks.</summary>
    public Task<Result<PruneReport>> PruneSystemAsync(Actor actor, PruneRequest request, string? engine, CancellationToken cancellationToken) =>
        PruneAsync(actor, request.Volumes ? [.. SystemKinds, PruneKind.Volumes] : SystemKinds, request, engine, cancellationToken);

    private async Task<Result<PruneReport>> PruneAsync(Actor actor, IReadOnlyList<PruneKind> kinds, PruneRequest request, string? engine, CancellationToken cancellationToken)
    {
        var action = kinds.Count == 1 ? $"{kinds[0].ToString().ToLowerInvariant()}.prune" : "system.prune";
        if (request.DryRun)
        {
            if (await gate.AuthorizeReadAsync(actor, Permission.Prune, action + ".preview", cancellationToken) is { } denied)
                return denied;
            var filter = PruneFilter.From(request, clock.GetUtcNow());
            if (!filter.IsOk)
                return filter.Error!;
            return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                var (items, notes) = await SelectAsync(e, actor, kinds, request, filter.Value, cancellationToken);
                return Outcome.Ok(new PruneReport(true, kinds, items, items.Sum(i => i.SizeBytes), [], notes));
            });
        }

        var parameters = new Dictionary<string, string?>
        {
            ["kinds"] = string.Join(",", kinds),
            ["until"] = request.Until,
            ["label"] = request.Labels is null ? null : string.Join(",", request.Labels),
            ["label!"] = request.ExcludedLabels is null ? null : string.Join(",", request.ExcludedLabels),
            ["all"] = request.All.ToString(),
        };
        return await gate.RunAsync(actor, Permission.Prune, action, parameters, async audit =>
        {
            var filter = PruneFilter.From(request, clock.GetUtcNow());
            if (!filter.IsOk)
                return filter.Error!;
            if (!locks.TryEnter(kinds, out var held, out var busy))
                return Error.Conflict($"A {busy.ToString()!.ToLowerInvariant()} prune is already running; try again when it has finished.");
            using (held)
            {
                return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
                {
                    audit.Engine = e.Name;
                    var (selected, notes) = await SelectAsync(e, actor, kinds, request, filter.Value, cancellationToken);
                    var removed = new List<PrunedItem>();
                    var skipped = new List<PruneSkip>();
                    foreach (var item in selected.Where(i => i.Kind != PruneKind.BuildCache))
                    {
                        var refusal = await RemoveAsync(e, item, cancellationToken);
                        if (refusal is null)
                            removed.Add(item);
                        else
                            skipped.Add(new PruneSkip(item.Kind, item.Id, item.Name, refusal));
                    }

                    long bytes = removed.Sum(i => i.SizeBytes);
                    if (kinds.Contains(PruneKind.BuildCache) && !filter.Value.HasLabelSelectors)
                    {
                        var (cacheRemoved, cacheBytes) = await e.System.PruneBuildCacheAsync(filter.Value.Until, cancellationToken);
                        var preview = selected.Where(i => i.Kind == PruneKind.BuildCache).ToDictionary(i => i.Id);
                        removed.AddRange(cacheRemoved.Select(id => preview.GetValueOrDefault(id) ?? new PrunedItem(PruneKind.BuildCache, id, null, 0)));
                        bytes += cacheBytes;
                    }

                    audit.TargetName = $"{removed.Count} object(s)";
                    return Outcome.Ok(new PruneReport(false, kinds, removed, bytes, skipped, notes));
                });
            }
        }, cancellationToken);
    }

    private static async Task<(IReadOnlyList<PrunedItem> Items, IReadOnlyList<string> Notes)> SelectAsync(
        EngineResources e, Actor actor, IReadOnlyList<PruneKind> kinds, PruneRequest request, PruneFilter filter, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var items = new List<PrunedItem>();
        var usage = kinds.Any(k => k != PruneKind.Networks) ? await e.System.GetDiskUsageAsync(cancellationToken) : null;
        var removedContainers = new HashSet<string>(StringComparer.Ordinal);

        if (kinds.Contains(PruneKind.Containers))
        {
            var containers = PruneSelection.Containers(usage!, filter, actor.Scope);
            items.AddRange(containers);
            removedContainers.UnionWith(containers.Select(c => c.Id));
        }

        if (kinds.Contains(PruneKind.Networks))
        {
            var networks = await e.Networks.ListNetworksAsync(new NetworkQuery(Labels: filter.Labels), cancellationToken);
            items.AddRange(PruneSelection.Networks(networks, filter));
        }

        if (kinds.Contains(PruneKind.Volumes))
        {
            items.AddRange(PruneSelection.Volumes(usage!, filter, includeNamed: request.All, removedContainers));
            if (!request.All)
                notes.Add("Only anonymous volumes are pruned; pass all=true to include named ones.");
        }

        if (kinds.Contains(PruneKind.Images))
        {
            items.AddRange(PruneSelection.Images(usage!, filter, request.All, removedContainers));
            if (!request.All)
                notes.Add("Only dangling images are pruned; pass all=true for every unused image.");
        }

        if (kinds.Contains(PruneKind.BuildCache))
        {
            if (filter.HasLabelSelectors)
                notes.Add("The build cache carries no labels, so a prune filtered by label leaves it alone.");
            else
                items.AddRange(PruneSelection.BuildCache(usage!, filter));
        }

        return (items, notes);
    }

    /// <summary>Removes one selected object without force; returns the engine's refusal, or null when it went.</summary>
    private static async Task<string?> RemoveAsync(EngineResources e, PrunedItem item, CancellationToken cancellationToken)
    {
        try
        {
            switch (item.Kind)
            {
                case PruneKind.Containers:
                    await e.Containers.RemoveContainerAsync(item.Id, force: false, removeVolumes: false, cancellationToken);
                    break;
                case PruneKind.Volumes:
                    await e.Volumes.RemoveVolumeAsync(item.Id, force: false, cancellationToken);
                    break;
                case PruneKind.Networks:
                    await e.Networks.RemoveNetworkAsync(item.Id, cancellationToken);
                    break;
                case PruneKind.Images:
                    await RemoveImageAsync(e, item, cancellationToken);
                    break;
            }

            return null;
        }
        catch (EngineNotFoundException)
        {
            // Gone already (someone else removed it): nothing is left to prune.
            return "already gone";
        }
        catch (EngineConflictException ex)
        {
            return ex.Message;
        }
        catch (EngineFailureException ex) when (ex.StatusCode is 403)
        {
            // The engine answers 403 for a network that gained endpoints.
            return ex.Message;
        }
    }

    /// <summary>A tagged image goes tag by tag, as the engine's own prune does, so that several tags need no force.</summary>
    private static async Task RemoveImageAsync(EngineResources e, PrunedItem item, CancellationToken cancellationToken)
    {
        var tags = item.Name?.Split(", ", StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (tags.Length == 0)
        {
            await e.Images.RemoveImageAsync(item.Id, force: false, cancellationToken);
            return;
        }

        foreach (var tag in tags)
            await e.Images.RemoveImageAsync(tag, force: false, cancellationToken);
    }
}
