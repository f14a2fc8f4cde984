using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Volumes;

/// <summary>The volume use cases: list, create, inspect, remove. Pruning lives in <see cref="Pruning.PruneService"/>.</summary>
public sealed partial class VolumeService(IResourceEngineRegistry engines, ActionGate gate)
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public async Task<Result<IReadOnlyList<VolumeInfo>>> ListAsync(Actor actor, VolumeQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.VolumesRead, "volume.list", cancellationToken) is { } denied)
            return denied;
        if (LabelSelectors.Validate("label", query.Labels) is { } invalid)
            return invalid;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var volumes = await e.Volumes.ListVolumesAsync(query, cancellationToken);
            return Outcome.Ok<IReadOnlyList<VolumeInfo>>(volumes.Select(v => Visible(v, actor)).ToList());
        });
    }

    public async Task<Result<VolumeInfo>> GetAsync(Actor actor, string name, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.VolumesRead, "volume.inspect", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            Outcome.Ok<VolumeInfo>(Visible(await e.Volumes.InspectVolumeAsync(name, cancellationToken), actor)));
    }

    public Task<Result<VolumeInfo>> CreateAsync(Actor actor, CreateVolumeRequest request, string? engine, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?> { ["name"] = request.Name, ["driver"] = request.Driver };
        return gate.RunAsync(actor, Permission.VolumesWrite, "volume.create", parameters, async audit =>
        {
            if (request.Name is { } name && !NamePattern().IsMatch(name))
                return Error.Invalid("name", "A volume name starts with a letter or digit and holds only letters, digits, '_', '.' and '-'.");
            if (request.Driver is { } driver && string.IsNullOrWhiteSpace(driver))
                return Error.Invalid("driver", "driver must not be empty; leave it out for 'local'.");
            if (LabelSelectors.ValidateLabels("labels", request.Labels) is { } badLabels)
                return badLabels;

            var spec = new VolumeSpec(request.Name, request.Driver ?? "local",
                request.DriverOptions ?? new Dictionary<string, string>(), request.Labels ?? new Dictionary<string, string>());
            return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = spec.Name;
                if (spec.Name is not null && await ExistsAsync(e, spec.Name, cancellationToken))
                    return Error.Conflict($"A volume named '{spec.Name}' already exists.");
                var created = await e.Volumes.CreateVolumeAsync(spec, cancellationToken);
                audit.TargetName = created;
                return Outcome.Ok<VolumeInfo>(Visible(await e.Volumes.InspectVolumeAsync(created, cancellationToken), actor));
            });
        }, cancellationToken);
    }

    public Task<Result<VolumeRemoval>> RemoveAsync(Actor actor, string name, bool force, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.VolumesWrite, "volume.remove", new Dictionary<string, string?> { ["force"] = force.ToString() }, audit =>
            EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = name;
                var volume = await e.Volumes.InspectVolumeAsync(name, cancellationToken);
                if (volume.InUse && !force)
                    return Error.Conflict($"Volume '{name}' is in use by {Describe(volume.UsedBy, actor)}; remove those first or pass force=true.");
                if (volume.InUse && volume.UsedBy.VisibleTo(actor).Count < volume.UsedBy.Count)
                    return Error.Conflict($"Volume '{name}' is in use by containers outside your scope; force cannot remove those.");
                if (volume.InUse)
                {
                    // The engine refuses to remove a mounted volume even with force; the containers go first.
                    foreach (var user in volume.UsedBy)
                        await e.Containers.RemoveContainerAsync(user.Id, force: true, removeVolumes: false, cancellationToken);
                }

                await e.Volumes.RemoveVolumeAsync(name, force, cancellationToken);
                return Outcome.Ok<VolumeRemoval>(new VolumeRemoval(name, true));
            }),
            cancellationToken);

    /// <summary>Names the containers the actor may see and counts the others without naming them.</summary>
    internal static string Describe(IReadOnlyList<ContainerUse> users, Actor actor)
    {
        var visible = users.VisibleTo(actor);
        var hidden = users.Count - visible.Count;
        var named = visible.Select(u => $"'{u.Name}'").ToList();
        if (hidden > 0)
            named.Add($"{hidden} container(s) outside your scope");
        return string.Join(", ", named);
    }

    private static VolumeInfo Visible(VolumeInfo volume, Actor actor) => volume with { UsedBy = volume.UsedBy.VisibleTo(actor) };

    private static async Task<bool> ExistsAsync(EngineResources e, string name, CancellationToken cancellationToken)
    {
        try
        {
            await e.Volumes.InspectVolumeAsync(name, cancellationToken);
            return true;
        }
        catch (EngineNotFoundException)
        {
            return false;
        }
    }
}
