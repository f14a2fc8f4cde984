namespace DockerOps.Core.Access;

/// <summary>The channels through which actions reach the application layer.</summary>
public enum Channel
{
    Rest,
    Slack,
    Discord,
    Job,
    Cli,
}

/// <summary>
/// Who is acting, through which channel. REST, chat and jobs all build one of these and hand it to
/// the same use cases, which decide what is allowed and record what was done.
/// </summary>
public sealed record Actor(string Id, string DisplayName, Channel Channel);
