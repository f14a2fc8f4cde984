using System.Runtime.CompilerServices;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.EngineSystem;

/// <summary>Engine-wide reads: info, disk usage and the event stream, each limited to what the actor may see.</summary>
public sealed class SystemService(IResourceEngineRegistry engines, ActionGate gate)
{
    public async Task<Result<EngineInfo>> GetInfoAsync(Actor actor, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.SystemRead, "system.info", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var info = await e.System.GetInfoAsync(cancellationToken);
            if (actor.Scope.IsUnrestricted)
                return Outcome.Ok(info);
            // A scoped actor's counts are of its own containers, so the host's size does not leak through them.
            var visible = (await e.Containers.ListContainersAsync(new ContainerQuery(All: true), cancellationToken)).Where(actor.Scope.Includes).ToList();
            return Outcome.Ok(info with
            {
                Counts = info.Counts with
                {
                    Containers = visible.Count,
                    Running = visible.Count(c => c.State is ContainerState.Running or ContainerState.Restarting),
                    Paused = visible.Count(c => c.State == ContainerState.Paused),
                    Stopped = visible.Count(c => c.State is not (ContainerState.Running or ContainerState.Restarting or ContainerState.Paused)),
                },
            });
        });
    }

    public async Task<Result<DiskUsageReport>> GetDiskUsageAsync(Actor actor, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.SystemRead, "system.df", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var usage = await e.System.GetDiskUsageAsync(cancellationToken);
            if (!actor.Scope.IsUnrestricted)
                usage = usage with { Containers = usage.Containers.Where(c => actor.Scope.Includes(c.Name, c.Labels)).ToList() };
            return Outcome.Ok(Summarize(usage));
        });
    }

    /// <summary>The <c>docker system df</c> arithmetic: what is unused is reclaimable.</summary>
    public static DiskUsageReport Summarize(DiskUsage usage)
    {
        static long Size(long bytes) => Math.Max(0, bytes);
        var lines = new List<DiskUsageLine>
        {
            new(ResourceKind.Images, usage.Images.Count, usage.Images.Count(i => i.Containers > 0),
                usage.Images.Sum(i => Size(i.UniqueBytes)) + SharedOnce(usage.Images),
                usage.Images.Where(i => i.Containers <= 0).Sum(i => Size(i.UniqueBytes))),
            new(ResourceKind.Containers, usage.Containers.Count, usage.Containers.Count(c => IsActive(c.State)),
                usage.Containers.Sum(c => Size(c.WritableBytes)),
                usage.Containers.Where(c => !IsActive(c.State)).Sum(c => Size(c.WritableBytes))),
            new(ResourceKind.Volumes, usage.Volumes.Count, usage.Volumes.Count(v => v.RefCount > 0),
                usage.Volumes.Sum(v => Size(v.SizeBytes)),
                usage.Volumes.Where(v => v.RefCount <= 0).Sum(v => Size(v.SizeBytes))),
            new(ResourceKind.BuildCache, usage.BuildCache.Count, usage.BuildCache.Count(b => b.InUse),
                usage.BuildCache.Sum(b => Size(b.SizeBytes)),
                usage.BuildCache.Where(b => !b.InUse && !b.Shared).Sum(b => Size(b.SizeBytes))),
        };
        return new DiskUsageReport(lines, lines.Sum(l => l.SizeBytes), lines.Sum(l => l.ReclaimableBytes));
    }

    public async Task<Result<IAsyncEnumerable<EngineEvent>>> WatchEventsAsync(Actor actor, EventQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.SystemRead, "system.events", cancellationToken) is { } denied)
            return denied;
        foreach (var type in query.Types ?? [])
        {
            if (!EventTypes.Known.Contains(type))
                return Error.Invalid("type", $"'{type}' is not an event type; use one of {string.Join(", ", EventTypes.Known)}.");
        }

        if (LabelSelectors.Validate("label", query.Labels) is { } invalid)
            return invalid;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            if (actor.Scope.IsUnrestricted)
                return Outcome.Ok(e.System.WatchEventsAsync(query, cancellationToken));
            var visible = (await e.Containers.ListContainersAsync(new ContainerQuery(All: true), cancellationToken))
                .Where(actor.Scope.Includes).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            return Outcome.Ok(Scoped(e.System.WatchEventsAsync(query, cancellationToken), actor, visible, cancellationToken));
        });
    }

    /// <summary>
    /// Drops events about containers the actor cannot see: container events by their own name and labels,
    /// and other events (volume mounts, network connects) that name such a container.
    /// </summary>
    private static async IAsyncEnumerable<EngineEvent> Scoped(
        IAsyncEnumerable<EngineEvent> events, Actor actor, HashSet<string> visible, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var engineEvent in events.WithCancellation(cancellationToken))
        {
            if (engineEvent.Type == "container")
            {
                var name = engineEvent.Attributes.GetValueOrDefault("name") ?? "";
                if (!actor.Scope.Includes(name, engineEvent.Attributes))
                    continue;
                visible.Add(engineEvent.ActorId);
            }
            else if (engineEvent.Attributes.TryGetValue("container", out var container) && !visible.Contains(container))
            {
                continue;
            }

            yield return engineEvent;
        }
    }

    internal static bool IsActive(ContainerState state) => state is ContainerState.Running or ContainerState.Paused or ContainerState.Restarting;

    private static long SharedOnce(IReadOnlyList<ImageUsage> images) =>
        // Shared layers count once in the total, as the engine's LayersSize does.
        images.Where(i => i.SharedBytes > 0).Select(i => i.SharedBytes).DefaultIfEmpty(0).Max();
}
