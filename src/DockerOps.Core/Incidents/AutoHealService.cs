using DockerOps.Core.Access;
using DockerOps.Core.Containers;

namespace DockerOps.Core.Incidents;

public enum AutoHealMode
{
    Off,

    /// <summary>Only containers labelled <c>dockerops.autoheal=true</c>.</summary>
    Labelled,

    All,
}

/// <summary>
/// At most <see cref="MaxRestarts"/> restarts per container in <see cref="Window"/>, the k-th waiting
/// <see cref="Backoff"/> × 2^(k-1) after the one before, so that a container that cannot get well is
/// not restarted for ever (autoheal's known failure); then the alert is escalated instead.
/// </summary>
public sealed record AutoHealPolicy(AutoHealMode Mode, int MaxRestarts, TimeSpan Window, TimeSpan Backoff, TimeSpan StopTimeout)
{
    public const string Label = "dockerops.autoheal";

    public static AutoHealPolicy Default { get; } = new(AutoHealMode.Labelled, 3, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

    public bool Covers(IReadOnlyDictionary<string, string> labels) => Mode switch
    {
        AutoHealMode.All => true,
        AutoHealMode.Labelled => labels.TryGetValue(Label, out var value) && value.Equals("true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}

/// <summary>
/// Which auto-heal steps have been taken. DockerOps instances sharing a job store all see the same
/// unhealthy container; each restart (and the escalation) of an incident is claimed once, so that only
/// one instance takes it.
/// </summary>
public interface IAutoHealClaims
{
    /// <summary>True for the first caller only.</summary>
    Task<bool> TryClaimAsync(string claim, CancellationToken cancellationToken);
}

/// <summary>Claims held in memory: one instance, and Core's tests.</summary>
public sealed class InMemoryAutoHealClaims : IAutoHealClaims
{
    private readonly HashSet<string> _claimed = [];
    private readonly Lock _lock = new();

    public Task<bool> TryClaimAsync(string claim, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_claimed.Add(claim));
    }
}

/// <summary>
/// Restarts unhealthy containers within a budget, then the containers that share their network
/// namespace, through <see cref="ContainerService"/> as a job actor so that every restart is audited.
/// </summary>
public sealed class AutoHealService(ContainerService containers, IncidentService incidents, AutoHealPolicy policy, IAutoHealClaims claims, TimeProvider clock)
{
    public static Actor JobActor { get; } = new("job:auto-heal", "auto-heal", Channel.Job, Role.Admin, AccessScope.Unrestricted);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Engine, string Id), HealState> _states = [];

    /// <summary>Starts healing in the background (never blocks the event stream); a heal already under way picks the request up.</summary>
    public void Request(UnhealthySighting sighting, IReadOnlyList<string> watchedLabels, CancellationToken stopping)
    {
        if (!policy.Covers(sighting.Labels))
            return;
        HealState state;
        lock (_lock)
        {
            if (!_states.TryGetValue((sighting.Engine, sighting.ContainerId), out state!))
                _states[(sighting.Engine, sighting.ContainerId)] = state = new HealState();
            if (state.Busy)
            {
                state.Again = true;
                return;
            }

            state.Busy = true;
        }

        state.Current = Task.Run(() => RunAsync(sighting, state, watchedLabels, stopping), CancellationToken.None);
    }

    /// <summary>The restarts made for a container within the current window (for tests and the API).</summary>
    public int RestartsInWindow(string engine, string containerId)
    {
        lock (_lock)
            return _states.TryGetValue((engine, containerId), out var state) ? state.Restarts.Count(t => clock.GetUtcNow() - t < policy.Window) : 0;
    }

    private async Task RunAsync(UnhealthySighting sighting, HealState state, IReadOnlyList<string> watchedLabels, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await HealOnceAsync(sighting, state, watchedLabels, stopping);
                lock (_lock)
                {
                    if (!state.Again)
                    {
                        state.Busy = false;
                        return;
                    }

                    state.Again = false;
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            await incidents.NoteAsync(sighting.IncidentId, $"auto-heal failed: {ex.Message}", escalate: false, CancellationToken.None);
        }
        finally
        {
            lock (_lock)
                state.Busy = false;
        }
    }

    private async Task HealOnceAsync(UnhealthySighting sighting, HealState state, IReadOnlyList<string> watchedLabels, CancellationToken stopping)
    {
        if (await incidents.InMaintenanceAsync(sighting.ContainerId, sighting.ContainerName, sighting.Labels, stopping))
            return;

        DateTimeOffset? last;
        int used;
        lock (_lock)
        {
            state.Restarts.RemoveAll(t => clock.GetUtcNow() - t >= policy.Window);
            used = state.Restarts.Count;
            last = used > 0 ? state.Restarts[^1] : null;
        }

        if (used >= policy.MaxRestarts)
        {
            if (state.EscalatedIncident != sighting.IncidentId)
            {
                state.EscalatedIncident = sighting.IncidentId;
                if (!await claims.TryClaimAsync($"auto-heal/{sighting.IncidentId}/escalated", stopping))
                    return;
                await incidents.NoteAsync(sighting.IncidentId,
                    $"auto-heal budget spent: {used} restarts in {policy.Window.TotalMinutes:0.#} min; no more restarts, it needs a person",
                    escalate: true, stopping);
            }

            return;
        }

        if (last is { } previous)
        {
            var wait = policy.Backoff * Math.Pow(2, used - 1) - (clock.GetUtcNow() - previous);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, clock, stopping);
        }

        // It may have recovered, been removed or been restarted by someone else while we waited.
        var health = await containers.GetHealthAsync(JobActor, sighting.ContainerId, sighting.Engine, stopping);
        if (!health.IsOk || health.Value.Health.Status != HealthStatus.Unhealthy || health.Value.State != ContainerState.Running)
            return;

        // Another instance may have made this restart already: it counts against this one's budget too.
        if (!await claims.TryClaimAsync($"auto-heal/{sighting.IncidentId}/{used + 1}", stopping))
        {
            lock (_lock)
                state.Restarts.Add(clock.GetUtcNow());
            return;
        }

        var timeout = (int)policy.StopTimeout.TotalSeconds;
        var restarted = await containers.RestartAsync(JobActor, sighting.ContainerId, timeout, sighting.Engine, stopping);
        lock (_lock)
            state.Restarts.Add(clock.GetUtcNow());
        await incidents.NoteAsync(sighting.IncidentId,
            restarted.IsOk ? $"auto-heal restarted it ({used + 1} of {policy.MaxRestarts})" : $"auto-heal could not restart it: {restarted.Error!.Detail}",
            escalate: false, stopping);
        if (restarted.IsOk)
            await RestartDependentsAsync(sighting, watchedLabels, timeout, stopping);
    }

    /// <summary>Containers in its network namespace lost their network with it: restart them after it.</summary>
    private async Task RestartDependentsAsync(UnhealthySighting sighting, IReadOnlyList<string> watchedLabels, int timeout, CancellationToken stopping)
    {
        var all = await containers.ListAsync(JobActor, new ContainerQuery(All: false, Labels: watchedLabels), sighting.Engine, stopping);
        if (!all.IsOk)
            return;
        foreach (var candidate in all.Value.Where(c => c.Id != sighting.ContainerId))
        {
            var details = await containers.GetAsync(JobActor, candidate.Id, sighting.Engine, stopping);
            if (!details.IsOk || details.Value.Security.NetworkMode is not { } mode || !mode.StartsWith("container:", StringComparison.Ordinal))
                continue;
            var target = mode["container:".Length..];
            if (target != sighting.ContainerId && target != sighting.ContainerName && !(target.Length >= 12 && sighting.ContainerId.StartsWith(target, StringComparison.Ordinal)))
                continue;
            var restarted = await containers.RestartAsync(JobActor, candidate.Id, timeout, sighting.Engine, stopping);
            await incidents.NoteAsync(sighting.IncidentId,
                restarted.IsOk ? $"auto-heal restarted {candidate.Name}, which shares its network namespace" : $"auto-heal could not restart {candidate.Name}: {restarted.Error!.Detail}",
                escalate: false, stopping);
        }
    }

    private sealed class HealState
    {
        public bool Busy { get; set; }
        public bool Again { get; set; }
        public List<DateTimeOffset> Restarts { get; } = [];
        public string? EscalatedIncident { get; set; }
        public Task? Current { get; set; }
    }
}
