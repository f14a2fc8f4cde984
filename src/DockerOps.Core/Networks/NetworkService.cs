using System.Net;
using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Networks;

/// <summary>The network use cases: list, create, inspect, connect, disconnect, remove.</summary>
public sealed partial class NetworkService(IResourceEngineRegistry engines, ActionGate gate)
{
    public static readonly IReadOnlySet<string> Drivers = new HashSet<string>(StringComparer.Ordinal) { "bridge", "overlay", "macvlan", "ipvlan" };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public async Task<Result<IReadOnlyList<NetworkInfo>>> ListAsync(Actor actor, NetworkQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.NetworksRead, "network.list", cancellationToken) is { } denied)
            return denied;
        if (LabelSelectors.Validate("label", query.Labels) is { } invalid)
            return invalid;
        if (query.Scope is { } scope && scope is not ("local" or "swarm" or "global"))
            return Error.Invalid("scope", "scope must be one of local, swarm, global.");
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var networks = await e.Networks.ListNetworksAsync(query, cancellationToken);
            return Outcome.Ok<IReadOnlyList<NetworkInfo>>(networks.Select(n => Visible(n, actor)).ToList());
        });
    }

    public async Task<Result<NetworkInfo>> GetAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.NetworksRead, "network.inspect", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            Outcome.Ok(Visible(await e.Networks.InspectNetworkAsync(reference, cancellationToken), actor)));
    }

    public Task<Result<NetworkInfo>> CreateAsync(Actor actor, CreateNetworkRequest request, string? engine, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["name"] = request.Name, ["driver"] = request.Driver, ["subnet"] = request.Subnet, ["internal"] = request.Internal?.ToString(),
        };
        return gate.RunAsync(actor, Permission.NetworksWrite, "network.create", parameters, async audit =>
        {
            var spec = ToSpec(request);
            if (!spec.IsOk)
                return spec.Error!;
            return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = spec.Value.Name;
                var existing = await e.Networks.ListNetworksAsync(new NetworkQuery(), cancellationToken);
                if (existing.Any(n => n.Name == spec.Value.Name))
                    return Error.Conflict($"A network named '{spec.Value.Name}' already exists.");
                var id = await e.Networks.CreateNetworkAsync(spec.Value, cancellationToken);
                audit.TargetId = id;
                return Outcome.Ok(Visible(await e.Networks.InspectNetworkAsync(id, cancellationToken), actor));
            });
        }, cancellationToken);
    }

    public Task<Result<NetworkConnection>> ConnectAsync(Actor actor, string network, ConnectNetworkRequest request, string? engine, CancellationToken cancellationToken)
    {
        var aliases = request.Aliases ?? [];
        var parameters = new Dictionary<string, string?> { ["container"] = request.Container, ["aliases"] = string.Join(",", aliases) };
        return gate.RunAsync(actor, Permission.NetworksWrite, "network.connect", parameters, async audit =>
        {
            if (string.IsNullOrWhiteSpace(request.Container))
                return Error.Invalid("container", "Name the container to connect.");
            if (aliases.Any(string.IsNullOrWhiteSpace))
                return Error.Invalid("aliases", "Aliases must not be empty.");
            return await WithNetworkAndContainer(actor, engine, network, request.Container, audit, cancellationToken, async (e, n, c) =>
            {
                if (n.Containers.Any(endpoint => endpoint.Container.Id == c.Id))
                    return Error.Conflict($"Container '{c.Name}' is already connected to network '{n.Name}'.");
                await e.Networks.ConnectAsync(n.Id, c.Id, aliases, cancellationToken);
                return Outcome.Ok(new NetworkConnection(n.Name, c.Name, "connect", aliases));
            });
        }, cancellationToken);
    }

    public Task<Result<NetworkConnection>> DisconnectAsync(Actor actor, string network, DisconnectNetworkRequest request, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.NetworksWrite, "network.disconnect",
            new Dictionary<string, string?> { ["container"] = request.Container, ["force"] = request.Force?.ToString() }, async audit =>
            {
                if (string.IsNullOrWhiteSpace(request.Container))
                    return Error.Invalid("container", "Name the container to disconnect.");
                return await WithNetworkAndContainer(actor, engine, network, request.Container, audit, cancellationToken, async (e, n, c) =>
                {
                    if (n.Containers.All(endpoint => endpoint.Container.Id != c.Id))
                        return Error.Conflict($"Container '{c.Name}' is not connected to network '{n.Name}'.");
                    await e.Networks.DisconnectAsync(n.Id, c.Id, request.Force ?? false, cancellationToken);
                    return Outcome.Ok(new NetworkConnection(n.Name, c.Name, "disconnect", []));
                });
            }, cancellationToken);

    public Task<Result<NetworkRemoval>> RemoveAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.NetworksWrite, "network.remove", null, audit =>
            EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                var network = await e.Networks.InspectNetworkAsync(reference, cancellationToken);
                audit.TargetId = network.Id;
                audit.TargetName = network.Name;
                if (network.Predefined)
                    return Error.Conflict($"'{network.Name}' is one of the engine's predefined networks (bridge, host, none) and cannot be removed.");
                if (network.AttachedCount > 0)
                {
                    var users = network.Containers.Select(c => c.Container).ToList();
                    return Error.Conflict($"Network '{network.Name}' has containers attached: {DescribeAttached(users, network.AttachedCount, actor)}; disconnect them first.");
                }

                await e.Networks.RemoveNetworkAsync(network.Id, cancellationToken);
                return Outcome.Ok(new NetworkRemoval(network.Id, network.Name, true));
            }),
            cancellationToken);

    /// <summary>Checks a create request the way the engine would, but naming the field at fault.</summary>
    public static Result<NetworkCreateSpec> ToSpec(CreateNetworkRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || !NamePattern().IsMatch(request.Name))
            return Error.Invalid("name", "A network needs a name of letters, digits, '_', '.' and '-', starting with a letter or digit.");
        if (PredefinedNetworks.Names.Contains(request.Name))
            return Error.Invalid("name", $"'{request.Name}' is a predefined network name.");
        var driver = request.Driver ?? "bridge";
        if (!Drivers.Contains(driver))
            return Error.Invalid("driver", $"driver must be one of {string.Join(", ", Drivers)}.");
        if (LabelSelectors.ValidateLabels("labels", request.Labels) is { } badLabels)
            return badLabels;

        IpamPool? pool = null;
        if (request.Subnet is not null || request.Gateway is not null || request.IpRange is not null)
        {
            if (request.Subnet is null || !IPNetwork.TryParse(request.Subnet, out var subnet))
                return Error.Invalid("subnet", request.Subnet is null ? "A gateway or IP range needs a subnet." : $"'{request.Subnet}' is not a CIDR subnet such as 172.28.0.0/16.");
            if (request.Gateway is not null && (!IPAddress.TryParse(request.Gateway, out var gateway) || !subnet.Contains(gateway)))
                return Error.Invalid("gateway", $"'{request.Gateway}' is not an address inside {request.Subnet}.");
            if (request.IpRange is not null && (!IPNetwork.TryParse(request.IpRange, out var range) || !subnet.Contains(range.BaseAddress) || range.PrefixLength < subnet.PrefixLength))
                return Error.Invalid("ipRange", $"'{request.IpRange}' is not a CIDR range inside {request.Subnet}.");
            pool = new IpamPool(request.Subnet, request.Gateway, request.IpRange);
        }

        return new NetworkCreateSpec(request.Name, driver, pool, request.Internal ?? false, request.Attachable ?? false,
            request.Labels ?? new Dictionary<string, string>(), request.Options ?? new Dictionary<string, string>());
    }

    private static string DescribeAttached(IReadOnlyList<ContainerUse> users, int total, Actor actor)
    {
        var visible = users.VisibleTo(actor).Select(u => $"'{u.Name}'").ToList();
        if (total > visible.Count)
            visible.Add($"{total - visible.Count} container(s) outside your scope");
        return string.Join(", ", visible);
    }

    private Task<Result<T>> WithNetworkAndContainer<T>(
        Actor actor, string? engine, string network, string container, AuditContext audit, CancellationToken cancellationToken,
        Func<EngineResources, NetworkInfo, ContainerSummary, Task<Result<T>>> use) =>
        EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            audit.Engine = e.Name;
            var n = await e.Networks.InspectNetworkAsync(network, cancellationToken);
            audit.TargetId = n.Id;
            audit.TargetName = n.Name;
            var all = await e.Containers.ListContainersAsync(new ContainerQuery(All: true), cancellationToken);
            var visible = actor.Scope.IsUnrestricted ? all : all.Where(actor.Scope.Includes).ToList();
            var resolved = ContainerReferences.Resolve(container, visible);
            if (!resolved.IsOk)
                return resolved.Error!;
            return await use(e, n, resolved.Value);
        });

    private static NetworkInfo Visible(NetworkInfo network, Actor actor) =>
        actor.Scope.IsUnrestricted ? network : network with
        {
            Containers = network.Containers.Where(c => actor.Scope.Includes(c.Container.Name, c.Container.Labels)).ToList(),
        };
}
