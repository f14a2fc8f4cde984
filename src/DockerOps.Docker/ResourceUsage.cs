using Docker.DotNet.Models;
using DockerOps.Core.Containers;

namespace DockerOps.Docker;

/// <summary>Which containers use which volumes, images and networks, from one container list.</summary>
internal sealed class ResourceUsage
{
    private readonly IList<ContainerListResponse> _containers;

    private ResourceUsage(IList<ContainerListResponse> containers) => _containers = containers;

    public static async Task<ResourceUsage> LoadAsync(DockerContainerEngine engine, CancellationToken cancellationToken) =>
        new(await engine.Calls.RunAsync("list containers", engine.CallTimeout, cancellationToken,
            token => engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Size = false }, token)).ConfigureAwait(false));

    public IReadOnlyList<ContainerUse> OfVolume(string name) =>
        _containers.Where(c => c.Mounts?.Any(m => m.Type == "volume" && m.Name == name) == true).Select(Use).ToList();

    public IReadOnlyList<ContainerUse> OfImage(string id) =>
        _containers.Where(c => c.ImageID == id).Select(Use).ToList();

    public ContainerUse ById(string id, string? fallbackName) =>
        _containers.FirstOrDefault(c => c.ID == id) is { } container
            ? Use(container)
            : new ContainerUse(id, fallbackName ?? id[..Math.Min(12, id.Length)], new Dictionary<string, string>());

    public static ContainerUse Use(ContainerListResponse c) =>
        new(c.ID, c.Names is { Count: > 0 } names ? names[0].TrimStart('/') : c.ID[..12],
            (IReadOnlyDictionary<string, string>?)c.Labels?.AsReadOnly() ?? new Dictionary<string, string>());
}

internal static class EngineFilters
{
    public static Dictionary<string, IDictionary<string, bool>> Build(params (string Key, IEnumerable<string>? Values)[] filters)
    {
        var result = new Dictionary<string, IDictionary<string, bool>>();
        foreach (var (key, values) in filters)
        {
            foreach (var value in values ?? [])
                (result.TryGetValue(key, out var set) ? set : result[key] = new Dictionary<string, bool>())[value] = true;
        }

        return result;
    }

    public static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string>? values) =>
        (IReadOnlyDictionary<string, string>?)values?.AsReadOnly() ?? new Dictionary<string, string>();
}
