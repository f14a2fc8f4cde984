using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Containers;

/// <summary>
/// The container use cases. REST, chat and jobs call these with an <see cref="Actor"/>; every
/// reference is resolved here, and engine refusals come back as <see cref="Error"/> values.
/// </summary>
public sealed partial class ContainerService(IEngineRegistry engines, ActionGate gate, ContainerGuardRails guardRails)
{
    public const int DefaultLogTail = 100;
    public const int MaxLogTail = 10_000;

    [GeneratedRegex(@"^(SIG)?[A-Z][A-Z0-9+-]*$|^\d{1,2}$")]
    private static partial Regex SignalPattern();

    public async Task<Result<IReadOnlyList<ContainerSummary>>> ListAsync(
        Actor actor, ContainerQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.ContainersRead, "container.list", cancellationToken) is { } denied)
            return denied;
        return await WithEngine(engine, async e =>
        {
            var all = await e.ListContainersAsync(query, cancellationToken);
            return Result<IReadOnlyList<ContainerSummary>>(actor.Scope.IsUnrestricted ? all : all.Where(actor.Scope.Includes).ToList());
        });
    }

    public Task<Result<ContainerDetails>> GetAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        Read(actor, "container.inspect", engine, reference, cancellationToken, async (e, c) => Result(await e.InspectContainerAsync(c.Id, cancellationToken)));

    public Task<Result<ContainerDetails>> CreateAsync(Actor actor, CreateContainerRequest request, string? engine, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["name"] = request.Name,
            ["image"] = request.Image,
            ["start"] = request.Start?.ToString(),
            // Names only: environment values often carry secrets and are never recorded.
            ["env"] = request.Env is null ? null : string.Join(",", request.Env.Keys),
            ["privileged"] = request.Privileged?.ToString(),
            ["capAdd"] = request.CapAdd is null ? null : string.Join(",", request.CapAdd),
            ["pidMode"] = request.PidMode,
            ["ipcMode"] = request.IpcMode,
            ["networkMode"] = request.NetworkMode,
            ["devices"] = request.Devices is null ? null : string.Join(",", request.Devices),
            ["binds"] = request.Mounts is null ? null : string.Join(",", request.Mounts.Where(m => "bind".Equals(m.Type, StringComparison.OrdinalIgnoreCase)).Select(m => m.Source)),
        };
        return gate.RunAsync(actor, Permission.ContainersCreate, "container.create", parameters, audit =>
        {
            var spec = request.ToSpec();
            if (!spec.IsOk)
                return Task.FromResult<Result<ContainerDetails>>(spec.Error!);
            if (guardRails.CheckCreate(spec.Value) is { } refused)
                return Task.FromResult<Result<ContainerDetails>>(refused);

            return WithEngine(engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = spec.Value.Name;
                string id;
                try
                {
                    id = await e.CreateContainerAsync(spec.Value, cancellationToken);
                }
                catch (EngineNotFoundException ex)
                {
                    // The engine answers 404 on create for a missing image or network: both are bad input.
                    var field = ex.Message.Contains("network", StringComparison.OrdinalIgnoreCase) ? "networks" : "image";
                    return Error.Invalid(field, ex.Message);
                }
                catch (EngineBadRequestException ex) when (ex.Message.Contains("No command specified", StringComparison.Ordinal))
                {
                    return Error.Invalid("command", "The image has no default command: give a command.");
                }

                audit.TargetId = id;
                if (request.Start == true)
                {
                    try
                    {
                        await e.StartContainerAsync(id, cancellationToken);
                    }
                    catch (EngineException ex)
                    {
                        // No half-done operations: a container that was asked to run but cannot start is not left behind.
                        await e.RemoveContainerAsync(id, force: true, removeVolumes: true, CancellationToken.None);
                        if (ex is EngineBadRequestException)
                            return Error.Invalid(StartRefusalField(ex.Message), ex.Message);
                        throw;
                    }
                }

                var details = await e.InspectContainerAsync(id, cancellationToken);
                audit.TargetName = details.Name;
                return Result(details);
            });
        }, cancellationToken);
    }

    public Task<Result<ContainerActionResult>> StartAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        Act(actor, "start", engine, reference, null, cancellationToken, (e, c) => e.StartContainerAsync(c.Id, cancellationToken));

    public Task<Result<ContainerActionResult>> StopAsync(Actor actor, string reference, int? timeoutSeconds, string? engine, CancellationToken cancellationToken) =>
        StopAsync(actor, reference, timeoutSeconds, engine, force: false, cancellationToken);

    /// <summary>Stops a container; a protected one only for an admin passing <paramref name="force"/>.</summary>
    public Task<Result<ContainerActionResult>> StopAsync(Actor actor, string reference, int? timeoutSeconds, string? engine, bool force, CancellationToken cancellationToken)
    {
        if (timeoutSeconds is < 0 or > 3600)
            return Task.FromResult<Result<ContainerActionResult>>(Error.Invalid("timeout", "timeout must be between 0 and 3600 seconds."));
        return Act(actor, "stop", engine, reference, new() { ["timeout"] = timeoutSeconds?.ToString(), ["force"] = force.ToString() }, cancellationToken,
            (e, c) => e.StopContainerAsync(c.Id, Seconds(timeoutSeconds), cancellationToken), disruptive: force);
    }

    public Task<Result<ContainerActionResult>> RestartAsync(Actor actor, string reference, int? timeoutSeconds, string? engine, CancellationToken cancellationToken)
    {
        if (timeoutSeconds is < 0 or > 3600)
            return Task.FromResult<Result<ContainerActionResult>>(Error.Invalid("timeout", "timeout must be between 0 and 3600 seconds."));
        return Act(actor, "restart", engine, reference, new() { ["timeout"] = timeoutSeconds?.ToString() }, cancellationToken, async (e, c) =>
        {
            await e.RestartContainerAsync(c.Id, Seconds(timeoutSeconds), cancellationToken);
            return true;
        });
    }

    public Task<Result<ContainerActionResult>> PauseAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        PauseAsync(actor, reference, engine, force: false, cancellationToken);

    /// <summary>Pauses a container; a protected one only for an admin passing <paramref name="force"/>.</summary>
    public Task<Result<ContainerActionResult>> PauseAsync(Actor actor, string reference, string? engine, bool force, CancellationToken cancellationToken) =>
        Act(actor, "pause", engine, reference, new() { ["force"] = force.ToString() }, cancellationToken, async (e, c) =>
        {
            if (c.State == ContainerState.Paused)
                return false;
            await e.PauseContainerAsync(c.Id, cancellationToken);
            return true;
        }, disruptive: force);

    public Task<Result<ContainerActionResult>> UnpauseAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        Act(actor, "unpause", engine, reference, null, cancellationToken, async (e, c) =>
        {
            if (c.State == ContainerState.Running)
                return false;
            await e.UnpauseContainerAsync(c.Id, cancellationToken);
            return true;
        });

    public Task<Result<ContainerActionResult>> KillAsync(Actor actor, string reference, string? signal, string? engine, CancellationToken cancellationToken) =>
        KillAsync(actor, reference, signal, engine, force: false, cancellationToken);

    /// <summary>Signals a container; a protected one only for an admin passing <paramref name="force"/>.</summary>
    public Task<Result<ContainerActionResult>> KillAsync(Actor actor, string reference, string? signal, string? engine, bool force, CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrWhiteSpace(signal) ? "SIGKILL" : signal.Trim().ToUpperInvariant();
        if (!SignalPattern().IsMatch(chosen))
            return Task.FromResult<Result<ContainerActionResult>>(Error.Invalid("signal", $"'{signal}' is not a signal name or number (such as SIGTERM, HUP or 9)."));
        return Act(actor, "kill", engine, reference, new() { ["signal"] = chosen, ["force"] = force.ToString() }, cancellationToken, async (e, c) =>
        {
            await e.KillContainerAsync(c.Id, chosen, cancellationToken);
            return true;
        }, disruptive: force);
    }

    public Task<Result<ContainerActionResult>> RemoveAsync(Actor actor, string reference, bool force, bool removeVolumes, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.ContainersRemove, "container.remove",
            new Dictionary<string, string?> { ["force"] = force.ToString(), ["volumes"] = removeVolumes.ToString() },
            audit => WithContainer(actor, engine, reference, audit, cancellationToken, async (e, c) =>
            {
                // For a protected container, force is also the admin's explicit override.
                if (guardRails.CheckDisruptive(actor, c, "remove", force) is { } refused)
                    return refused;
                await e.RemoveContainerAsync(c.Id, force, removeVolumes, cancellationToken);
                return Result(new ContainerActionResult(c.Id, c.Name, "remove", ContainerState.Removing, Changed: true));
            }),
            cancellationToken);

    public Task<Result<ContainerLogs>> OpenLogsAsync(Actor actor, string reference, LogQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (query.Tail is < 0 or > MaxLogTail)
            return Task.FromResult<Result<ContainerLogs>>(Error.Invalid("tail", $"tail must be between 0 and {MaxLogTail}."));
        if (!query.Stdout && !query.Stderr)
            return Task.FromResult<Result<ContainerLogs>>(Error.Invalid("stdout", "Ask for at least one of stdout and stderr."));
        if (query.Since is { } since && query.Until is { } until && until < since)
            return Task.FromResult<Result<ContainerLogs>>(Error.Invalid("until", "until must not be before since."));

        return Read(actor, "container.logs", engine, reference, cancellationToken, async (e, c) =>
        {
            // A TTY container's output is one raw stream; everything else is multiplexed and must be split.
            var details = await e.InspectContainerAsync(c.Id, cancellationToken);
            return Result(new ContainerLogs(c, details.Config.Tty, e.ReadLogsAsync(c.Id, details.Config.Tty, query, cancellationToken)));
        });
    }

    public Task<Result<ContainerStats>> GetStatsAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        Read(actor, "container.stats", engine, reference, cancellationToken, async (e, c) =>
        {
            if (c.State is not (ContainerState.Running or ContainerState.Paused or ContainerState.Restarting))
                return Error.Conflict($"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}; stats exist only while it runs.");
            return Result(await e.GetStatsAsync(c.Id, cancellationToken));
        });

    public Task<Result<ContainerHealth>> GetHealthAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken) =>
        Read(actor, "container.health", engine, reference, cancellationToken, async (e, c) =>
        {
            var details = await e.InspectContainerAsync(c.Id, cancellationToken);
            return Result(new ContainerHealth(details.Id, details.Name, details.State.Status, details.Health));
        });

    /// <summary>
    /// The engine refuses a start for a user it cannot find or a command it cannot run; anything
    /// else it reports at start comes from the command too (missing binary, bad working directory).
    /// </summary>
    private static string StartRefusalField(string message) =>
        message.Contains("unable to find user", StringComparison.OrdinalIgnoreCase) ? "user" : "command";

    private static TimeSpan? Seconds(int? seconds) => seconds is null ? null : TimeSpan.FromSeconds(seconds.Value);

    private static Result<T> Result<T>(T value) => value;

    private async Task<Result<T>> Read<T>(
        Actor actor, string action, string? engine, string reference, CancellationToken cancellationToken,
        Func<IContainerEngine, ContainerSummary, Task<Result<T>>> use)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.ContainersRead, action, cancellationToken) is { } denied)
            return denied;
        return await WithContainer(actor, engine, reference, new AuditContext(), cancellationToken, use);
    }

    private Task<Result<ContainerActionResult>> Act(
        Actor actor, string action, string? engine, string reference, Dictionary<string, string?>? parameters,
        CancellationToken cancellationToken, Func<IContainerEngine, ContainerSummary, Task<bool>> perform, bool? disruptive = null) =>
        gate.RunAsync(actor, Permission.ContainersOperate, $"container.{action}", parameters, audit =>
            WithContainer(actor, engine, reference, audit, cancellationToken, async (e, c) =>
            {
                // disruptive carries the caller's force flag for the actions a protected container refuses.
                if (disruptive is { } force && guardRails.CheckDisruptive(actor, c, action, force) is { } refused)
                    return refused;
                var changed = await perform(e, c);
                var after = await e.InspectContainerAsync(c.Id, cancellationToken);
                return Result(new ContainerActionResult(c.Id, c.Name, action, after.State.Status, changed));
            }),
            cancellationToken);

    /// <summary>Resolves the reference among the containers the actor may see; the rest do not exist for it.</summary>
    private Task<Result<T>> WithContainer<T>(
        Actor actor, string? engine, string reference, AuditContext audit, CancellationToken cancellationToken,
        Func<IContainerEngine, ContainerSummary, Task<Result<T>>> use) =>
        WithEngine(engine, async e =>
        {
            audit.Engine = e.Name;
            var all = await e.ListContainersAsync(new ContainerQuery(All: true), cancellationToken);
            var visible = actor.Scope.IsUnrestricted ? all : all.Where(actor.Scope.Includes).ToList();
            var resolved = ContainerReferences.Resolve(reference, visible);
            if (!resolved.IsOk)
                return resolved.Error!;
            audit.TargetId = resolved.Value.Id;
            audit.TargetName = resolved.Value.Name;
            return await use(e, resolved.Value);
        });

    /// <summary>Finds the engine and turns the engine's expected refusals into values; the rest propagate.</summary>
    private async Task<Result<T>> WithEngine<T>(string? engineName, Func<IContainerEngine, Task<Result<T>>> use)
    {
        var name = string.IsNullOrWhiteSpace(engineName) ? engines.DefaultName : engineName;
        var engine = engines.Find(name);
        if (engine is null)
            return Error.NotFound($"No engine is named '{name}'. Known engines: {string.Join(", ", engines.Names)}.");

        try
        {
            return await use(engine);
        }
        catch (EngineNotFoundException ex)
        {
            return Error.NotFound(ex.Message);
        }
        catch (EngineConflictException ex)
        {
            return Error.Conflict(ex.Message);
        }
        catch (EngineBadRequestException ex)
        {
            return new Error(ErrorKind.Invalid, "Rejected by the engine", ex.Message);
        }
    }
}

public sealed record ContainerLogs(ContainerSummary Container, bool Tty, IAsyncEnumerable<LogChunk> Chunks);

public sealed record ContainerHealth(string Id, string Name, ContainerState State, HealthReport Health);
