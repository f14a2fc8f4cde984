using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Posture;

/// <summary>The security posture of running containers, as far as the actor may see them.</summary>
public sealed class PostureService(IResourceEngineRegistry engines, ActionGate gate)
{
    public async Task<Result<PostureReport>> ReportAsync(Actor actor, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.SystemRead, "posture.report", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var running = await e.Containers.ListContainersAsync(new ContainerQuery(State: ContainerState.Running), cancellationToken);
            var visible = running.Where(actor.Scope.Includes).ToList();
            var postures = new List<ContainerPosture>();
            foreach (var container in visible)
            {
                try
                {
                    postures.Add(Assess(await e.Containers.InspectContainerAsync(container.Id, cancellationToken)));
                }
                catch (EngineNotFoundException)
                {
                    // Removed between the list and the inspect: it no longer has a posture.
                }
            }

            return Outcome.Ok(new PostureReport(postures.Count, SeverityCounts.Of(postures.SelectMany(p => p.Findings)), postures));
        });
    }

    public async Task<Result<ContainerPosture>> ForContainerAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.ContainersRead, "container.posture", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var all = await e.Containers.ListContainersAsync(new ContainerQuery(All: true), cancellationToken);
            var resolved = ContainerReferences.Resolve(reference, actor.Scope.IsUnrestricted ? all : all.Where(actor.Scope.Includes).ToList());
            if (!resolved.IsOk)
                return resolved.Error!;
            return Outcome.Ok(Assess(await e.Containers.InspectContainerAsync(resolved.Value.Id, cancellationToken)));
        });
    }

    private static ContainerPosture Assess(ContainerDetails details) =>
        new(details.Id, details.Name, details.Config.Image, PostureRules.Evaluate(details)
            .OrderByDescending(f => f.Severity).ThenBy(f => f.Rule, StringComparer.Ordinal).ToList());
}
