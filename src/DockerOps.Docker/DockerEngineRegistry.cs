using DockerOps.Core.Engines;

namespace DockerOps.Docker;

/// <summary>The configured engines by name; the default one is <c>local</c> unless configured otherwise.</summary>
public sealed class DockerEngineRegistry : IEngineRegistry, IResourceEngineRegistry, IEngineEventSources, IDisposable
{
    private readonly Dictionary<string, DockerContainerEngine> _engines;
    private readonly Dictionary<string, DockerEventSource> _events;
    private readonly Dictionary<string, EngineResources> _resources;

    public DockerEngineRegistry(string defaultName, IEnumerable<DockerEngineSettings> engines)
    {
        var settings = engines.ToList();
        _engines = settings.ToDictionary(e => e.Name, e => new DockerContainerEngine(e), StringComparer.OrdinalIgnoreCase);
        _events = settings.ToDictionary(e => e.Name, e => new DockerEventSource(e), StringComparer.OrdinalIgnoreCase);
        if (!_engines.ContainsKey(defaultName))
            throw new ArgumentException($"The default engine '{defaultName}' is not among the configured engines.", nameof(defaultName));
        DefaultName = defaultName;
        _resources = _engines.ToDictionary(e => e.Key, e => new EngineResources(e.Key, e.Value, new DockerVolumeEngine(e.Value),
            new DockerNetworkEngine(e.Value), new DockerImageEngine(e.Value), new DockerSystemEngine(e.Value, e.Value.Http)), StringComparer.OrdinalIgnoreCase);
    }

    public string DefaultName { get; }

    public IReadOnlyCollection<string> Names => _engines.Keys;

    public IContainerEngine? Find(string name) => _engines.GetValueOrDefault(name);

    IEngineEventSource? IEngineEventSources.Find(string name) => _events.GetValueOrDefault(name);

    public EngineResources? FindResources(string name) => _resources.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var engine in _engines.Values)
            engine.Dispose();
        foreach (var source in _events.Values)
            source.Dispose();
    }
}
