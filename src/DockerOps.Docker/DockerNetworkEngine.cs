using Docker.DotNet.Models;
using DockerOps.Core.Engines;
using DockerOps.Core.Networks;

namespace DockerOps.Docker;

/// <summary>The network port on Docker.DotNet.</summary>
internal sealed class DockerNetworkEngine(DockerContainerEngine engine) : INetworkEngine
{
    public async Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(NetworkQuery query, CancellationToken cancellationToken)
    {
        var filters = EngineFilters.Build(("label", query.Labels), ("driver", query.Drivers), ("scope", query.Scope is null ? null : [query.Scope]));
        var list = await engine.Calls.RunAsync("list networks", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, token)).ConfigureAwait(false);
        var usage = await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false);
        var networks = new List<NetworkInfo>();
        foreach (var summary in list)
        {
            // The list call leaves out endpoints; only an inspect has them.
            try
            {
                networks.Add(ToInfo(await InspectRawAsync(summary.ID, cancellationToken).ConfigureAwait(false), usage));
            }
            catch (EngineNotFoundException)
            {
                // Removed between the list and the inspect.
            }
        }

        return networks.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<NetworkInfo> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        ToInfo(await InspectRawAsync(idOrName, cancellationToken).ConfigureAwait(false), await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false));

    public async Task<string> CreateNetworkAsync(NetworkCreateSpec spec, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = await CreateRawAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineFailureException ex) when (ex.StatusCode is 403 or 503 && ex.InnerException is global::Docker.DotNet.DockerApiException api &&
                                                EngineCalls.MessageOf(api).Contains("not a swarm manager", StringComparison.OrdinalIgnoreCase))
        {
            // Overlay networks are swarm objects: an engine outside a swarm refuses them (403 from the daemon,
            // 503 from its cluster component). That is the engine's set-up, not a failure, and it has a known fix.
            throw new EngineConflictException(engine.Name,
                $"The engine '{engine.Name}' is not a swarm manager, and a '{spec.Driver}' network needs one: run `docker swarm init` on that engine " +
                $"(on a single machine `docker swarm init --advertise-addr 127.0.0.1`) or join it to a swarm as a manager, then create '{spec.Name}' again.", ex);
        }

        if (spec.Driver == "overlay")
            await AwaitSwarmAllocationAsync(id, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// The swarm allocates a new network (driver state, address pool) a moment after answering the create;
    /// until then an inspect shows no driver. Waits for it, within the call timeout, so the answer describes the network.
    /// </summary>
    private async Task AwaitSwarmAllocationAsync(string id, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (string.IsNullOrEmpty((await InspectRawAsync(id, cancellationToken).ConfigureAwait(false)).Driver) &&
               System.Diagnostics.Stopwatch.GetElapsedTime(started) < engine.CallTimeout)
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> CreateRawAsync(NetworkCreateSpec spec, CancellationToken cancellationToken)
    {
        var created = await engine.Calls.RunAsync("create network", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = spec.Name,
                Driver = spec.Driver,
                CheckDuplicate = true,
                Internal = spec.Internal,
                Attachable = spec.Attachable,
                Labels = spec.Labels.ToDictionary(),
                Options = spec.Options.ToDictionary(),
                IPAM = spec.Pool is null ? null : new IPAM
                {
                    Driver = "default",
                    Config = [new IPAMConfig { Subnet = spec.Pool.Subnet, Gateway = spec.Pool.Gateway, IPRange = spec.Pool.IpRange }],
                },
            }, token)).ConfigureAwait(false);
        return created.ID;
    }

    public Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("connect network", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.ConnectNetworkAsync(networkId, new NetworkConnectParameters
            {
                Container = containerId,
                EndpointConfig = new EndpointSettings { Aliases = aliases.ToList() },
            }, token));

    public Task DisconnectAsync(string networkId, string containerId, bool force, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("disconnect network", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.DisconnectNetworkAsync(networkId, new NetworkDisconnectParameters { Container = containerId, Force = force }, token));

    public async Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Calls.RunAsync("remove network", engine.CallTimeout, cancellationToken,
                token => engine.Client.Networks.DeleteNetworkAsync(networkId, token)).ConfigureAwait(false);
        }
        catch (EngineFailureException ex) when (ex.StatusCode == 403)
        {
            // The engine answers 403 for a network with active endpoints or a predefined one: a state conflict, not a failure.
            throw new EngineConflictException(engine.Name, ex.InnerException is global::Docker.DotNet.DockerApiException api ? EngineCalls.MessageOf(api) : ex.Message, ex);
        }
    }

    private Task<NetworkResponse> InspectRawAsync(string idOrName, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("inspect network", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.InspectNetworkAsync(idOrName, token));

    private static NetworkInfo ToInfo(NetworkResponse n, ResourceUsage usage)
    {
        var endpoints = (n.Containers ?? new Dictionary<string, EndpointResource>())
            .Where(c => !IsSwarmLoadBalancer(c.Key))
            .Select(c => new NetworkEndpoint(usage.ById(c.Key, c.Value.Name), Empty(c.Value.IPv4Address), Empty(c.Value.IPv6Address), Empty(c.Value.MacAddress)))
            .OrderBy(e => e.Container.Name, StringComparer.Ordinal)
            .ToList();
        return new NetworkInfo(
            n.ID,
            n.Name,
            n.Driver,
            n.Scope,
            n.Internal,
            n.Attachable,
            n.Ingress,
            n.EnableIPv6,
            new DateTimeOffset(DateTime.SpecifyKind(n.Created, DateTimeKind.Utc)),
            n.IPAM?.Config?.Select(c => new IpamPool(Empty(c.Subnet), Empty(c.Gateway), Empty(c.IPRange))).ToList() ?? [],
            EngineFilters.ReadOnly(n.Options),
            EngineFilters.ReadOnly(n.Labels),
            PredefinedNetworks.Names.Contains(n.Name),
            endpoints.Count,
            endpoints);
    }

    /// <summary>
    /// Overlay networks hold an endpoint for the swarm's load balancer ("lb-&lt;network&gt;", "ingress-sbox" on the
    /// ingress network) that stays after every container has left; it is plumbing, not a container, and must
    /// not make a network look in use.
    /// </summary>
    private static bool IsSwarmLoadBalancer(string endpointKey) =>
        endpointKey.StartsWith("lb-", StringComparison.Ordinal) || endpointKey == "ingress-sbox";

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
