using DockerOps.Chat.Commands;
using DockerOps.Core.Access;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Identity;

/// <summary>A chat user as the application layer sees them, and which mapping made it so (for whoami).</summary>
public sealed record ChatIdentity(Actor Actor, string Source);

/// <summary>
/// Maps platform users to <see cref="Actor"/>s from <c>Chat:Identities</c>. A user mapping wins over
/// a Discord role mapping; among roles the strongest wins; otherwise the default role, if any.
/// </summary>
public sealed class ChatIdentities(IOptions<ChatOptions> options)
{
    public ChatIdentity? Resolve(ChatUser user)
    {
        var settings = options.Value;
        var platform = user.Platform.ToString();
        var byUser = settings.Identities.FirstOrDefault(i =>
            platform.Equals(i.Platform, StringComparison.OrdinalIgnoreCase) && i.UserId == user.UserId);
        if (byUser is not null)
            return Build(user, byUser.Role, byUser.Scope, $"user {user.UserId}");

        var byRole = settings.Identities
            .Where(i => platform.Equals(i.Platform, StringComparison.OrdinalIgnoreCase) && i.RoleId is not null && user.RoleIds.Contains(i.RoleId))
            .OrderByDescending(i => ChatOptionsValidator.TryParseRole(i.Role, out var role) ? role : 0)
            .FirstOrDefault();
        if (byRole is not null)
            return Build(user, byRole.Role, byRole.Scope, $"role {byRole.RoleId}");

        return string.IsNullOrWhiteSpace(settings.DefaultRole) ? null : Build(user, settings.DefaultRole, settings.DefaultScope, "default role");
    }

    public bool ChannelAllowed(ChatUser user) =>
        options.Value.AllowedChannels.Count == 0 || (user.ChannelId is not null && options.Value.AllowedChannels.Contains(user.ChannelId));

    private static ChatIdentity? Build(ChatUser user, string? roleText, ScopeOptions? scope, string source)
    {
        if (!ChatOptionsValidator.TryParseRole(roleText, out var role))
            return null;
        var channel = user.Platform == ChatPlatform.Slack ? Channel.Slack : Channel.Discord;
        var actor = new Actor($"{user.Platform.ToString().ToLowerInvariant()}:{user.UserId}", user.DisplayName, channel, role, scope?.ToScope() ?? AccessScope.Unrestricted);
        return new ChatIdentity(actor, source);
    }
}
