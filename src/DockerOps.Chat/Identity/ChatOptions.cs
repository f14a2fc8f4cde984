using DockerOps.Core.Access;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Identity;

/// <summary>Settings under <c>Chat:</c>, shared by Slack and Discord.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Who is who: platform user IDs (and Discord role IDs) to a role and scope.</summary>
    public List<ChatIdentityOptions> Identities { get; set; } = [];

    /// <summary>The role of people not listed; empty means they may do nothing.</summary>
    public string? DefaultRole { get; set; }

    public ScopeOptions? DefaultScope { get; set; }

    /// <summary>Channel IDs where commands are taken; empty means every channel.</summary>
    public List<string> AllowedChannels { get; set; } = [];

    /// <summary>Changes are announced to the channel (who did what); false keeps them private.</summary>
    public bool ChangesInChannel { get; set; } = true;

    /// <summary>Reads are private to the caller unless this is true.</summary>
    public bool ReadsInChannel { get; set; }

    public int ConfirmationSeconds { get; set; } = 60;

    /// <summary>Verbs (rm, kill, prune, stop) that need a second person with the same permission to approve.</summary>
    public List<string> SecondApproval { get; set; } = [];

    /// <summary>How long a quick command may take before it is acknowledged and answered later (both platforms allow 3 s).</summary>
    public int InlineBudgetMilliseconds { get; set; } = 2000;
}

public sealed class ChatIdentityOptions
{
    /// <summary><c>slack</c> or <c>discord</c>.</summary>
    public string? Platform { get; set; }

    public string? UserId { get; set; }

    /// <summary>A Discord role ID: everyone holding the role gets this mapping.</summary>
    public string? RoleId { get; set; }

    /// <summary><c>viewer</c>, <c>operator</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }

    public ScopeOptions? Scope { get; set; }
}

/// <summary>An <see cref="AccessScope"/> as configuration: name patterns, label selectors, compose projects.</summary>
public sealed class ScopeOptions
{
    public List<string> Names { get; set; } = [];

    public List<string> Labels { get; set; } = [];

    public List<string> Projects { get; set; } = [];

    public AccessScope ToScope() => new(Names, Labels, Projects);
}

internal sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Identities.Count; i++)
        {
            var identity = options.Identities[i];
            var setting = $"Chat:Identities:{i}";
            var platform = identity.Platform?.ToLowerInvariant();
            if (platform is not ("slack" or "discord"))
                failures.Add($"{setting}:Platform must be slack or discord (got '{identity.Platform}').");
            var hasUser = !string.IsNullOrWhiteSpace(identity.UserId);
            var hasRole = !string.IsNullOrWhiteSpace(identity.RoleId);
            if (hasUser == hasRole)
                failures.Add($"{setting} needs exactly one of UserId and RoleId.");
            if (hasRole && platform == "slack")
                failures.Add($"{setting}:RoleId is for Discord only; Slack sends no roles.");
            if (!TryParseRole(identity.Role, out _))
                failures.Add($"{setting}:Role must be viewer, operator or admin (got '{identity.Role}').");
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultRole) && !TryParseRole(options.DefaultRole, out _))
            failures.Add($"Chat:DefaultRole must be viewer, operator or admin (got '{options.DefaultRole}').");
        if (options.ConfirmationSeconds is < 5 or > 900)
            failures.Add($"Chat:ConfirmationSeconds must be between 5 and 900 (got {options.ConfirmationSeconds}).");
        if (options.InlineBudgetMilliseconds is < 100 or > 2800)
            failures.Add($"Chat:InlineBudgetMilliseconds must be between 100 and 2800, inside the platforms' 3 s (got {options.InlineBudgetMilliseconds}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool TryParseRole(string? text, out Role role) =>
        Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(text, out _);
}
