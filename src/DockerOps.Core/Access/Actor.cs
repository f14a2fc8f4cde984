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
/// Who is acting, through which channel, with which role and scope. REST, chat and jobs each turn
/// their caller into one of these and hand it to the same use cases, which decide and record.
/// </summary>
public sealed record Actor(string Id, string DisplayName, Channel Channel, Role Role, AccessScope Scope)
{
    public bool May(Permission permission) => Role.Allows(permission);
}
