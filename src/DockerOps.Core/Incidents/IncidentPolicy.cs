namespace DockerOps.Core.Incidents;

/// <summary>
/// When trouble becomes an incident and when it is over. A crash, OOM kill or restart loop is over
/// once the container has run for <see cref="RecoveryGrace"/> without dying again, so that a container
/// that crashes every few seconds is one incident, not one per crash.
/// </summary>
public sealed record IncidentPolicy(
    int RestartLoopCount,
    TimeSpan RestartLoopWindow,
    TimeSpan RecoveryGrace,
    TimeSpan StopIntentWindow)
{
    public static IncidentPolicy Default { get; } = new(3, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));
}

/// <summary>A container seen unhealthy: what auto-heal acts on.</summary>
public sealed record UnhealthySighting(string Engine, string ContainerId, string ContainerName, IReadOnlyDictionary<string, string> Labels, string IncidentId);
