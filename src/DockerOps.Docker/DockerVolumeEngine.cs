using System.Globalization;
using Docker.DotNet.Models;
using DockerOps.Core.Engines;
using DockerOps.Core.Volumes;

namespace DockerOps.Docker;

/// <summary>The volume port on Docker.DotNet.</summary>
internal sealed class DockerVolumeEngine(DockerContainerEngine engine) : IVolumeEngine
{
    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(VolumeQuery query, CancellationToken cancellationToken)
    {
        var filters = EngineFilters.Build(
            ("label", query.Labels),
            ("driver", query.Driver is null ? null : [query.Driver]),
            ("dangling", query.Dangling is null ? null : [query.Dangling.Value ? "true" : "false"]));
        var list = await engine.Calls.RunAsync("list volumes", engine.CallTimeout, cancellationToken,
            token => engine.Client.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, token)).ConfigureAwait(false);
        var usage = await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false);
        return (list.Volumes ?? []).Select(v => ToInfo(v, usage)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<VolumeInfo> InspectVolumeAsync(string name, CancellationToken cancellationToken)
    {
        var volume = await engine.Calls.RunAsync("inspect volume", engine.CallTimeout, cancellationToken,
            token => engine.Client.Volumes.InspectAsync(name, token)).ConfigureAwait(false);
        return ToInfo(volume, await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false));
    }

    public async Task<string> CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken)
    {
        var created = await engine.Calls.RunAsync("create volume", engine.CallTimeout, cancellationToken,
            token => engine.Client.Volumes.CreateAsync(new VolumesCreateParameters
            {
                Name = spec.Name,
                Driver = spec.Driver,
                DriverOpts = spec.DriverOptions.ToDictionary(),
                Labels = spec.Labels.ToDictionary(),
            }, token)).ConfigureAwait(false);
        return created.Name;
    }

    public Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("remove volume", engine.CallTimeout, cancellationToken,
            token => engine.Client.Volumes.RemoveAsync(name, force, token));

    private static VolumeInfo ToInfo(VolumeResponse v, ResourceUsage usage)
    {
        var labels = EngineFilters.ReadOnly(v.Labels);
        var users = usage.OfVolume(v.Name);
        return new VolumeInfo(
            v.Name,
            v.Driver,
            string.IsNullOrEmpty(v.Mountpoint) ? null : v.Mountpoint,
            v.Scope ?? "local",
            DateTimeOffset.TryParse(v.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null,
            labels,
            EngineFilters.ReadOnly(v.Options),
            AnonymousVolumes.IsAnonymous(v.Name, labels),
            users.Count > 0,
            users);
    }
}
