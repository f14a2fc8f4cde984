using DockerOps.Chat.Identity;
using DockerOps.Core.Access;
using DockerOps.Core.Containers;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Chat.Commands;

public enum ChatPlatform
{
    Slack,
    Discord,
}

/// <summary>Who typed or clicked, as the platform says: the user's ID, display name, Discord roles and the channel.</summary>
public sealed record ChatUser(ChatPlatform Platform, string UserId, string DisplayName, IReadOnlyList<string> RoleIds, string? ChannelId)
{
    /// <summary>Slack and Discord share this mention form.</summary>
    public string Mention => $"<@{UserId}>";
}

/// <summary>What a handler gets: the actor the Core use cases act for, the typed arguments, and the services.</summary>
public sealed class CommandContext(
    ChatIdentity identity,
    ChatUser user,
    CommandDefinition definition,
    BoundArguments arguments,
    IServiceProvider services,
    CancellationToken cancellationToken)
{
    public Actor Actor => identity.Actor;

    /// <summary>Which configured mapping made the caller who they are (for whoami).</summary>
    public string IdentitySource => identity.Source;

    public ChatUser User => user;

    public CommandDefinition Definition => definition;

    public BoundArguments Args => arguments;

    public IServiceProvider Services => services;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>The container argument; required by every command that reads it.</summary>
    public string Container => arguments.Text("container") ?? "";

    public ContainerService Containers => services.GetRequiredService<ContainerService>();

    public TimeProvider Clock => services.GetRequiredService<TimeProvider>();
}
