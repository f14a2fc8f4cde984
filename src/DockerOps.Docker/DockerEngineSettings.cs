namespace DockerOps.Docker;

/// <summary>How to reach one engine and how long its calls may take.</summary>
public sealed record DockerEngineSettings(
    string Name,
    Uri Host,
    TimeSpan CallTimeout,
    TimeSpan StopMargin)
{
    /// <summary>Deadline for a whole image pull, which downloads layers.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Deadline for disk usage and prune calls, which walk the engine's storage.</summary>
    public TimeSpan PruneTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The socket the docker CLI uses when DOCKER_HOST is unset.</summary>
    public const string DefaultHost = "unix:///var/run/docker.sock";

    /// <summary>The endpoint as the docker CLI chooses it: DOCKER_HOST when set, else the local socket.</summary>
    public static string HostFromEnvironment() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultHost;

    /// <summary>Docker.DotNet speaks http to tcp:// endpoints; the docker CLI writes them as tcp://.</summary>
    public Uri ClientEndpoint => Host.Scheme == "tcp" ? new UriBuilder(Host) { Scheme = "http" }.Uri : Host;
}
