using Microsoft.Extensions.Configuration;

namespace DockerOps.Chat.Identity;

/// <summary>
/// Secrets come from the setting itself or from a file named by the same key plus <c>_FILE</c>
/// (Docker and Kubernetes secrets are mounted as files), so tokens need not sit in environment variables.
/// </summary>
public static class ChatSecrets
{
    public static string? Read(IConfigurationSection section, string key, List<string> problems)
    {
        var direct = section[key];
        if (!string.IsNullOrWhiteSpace(direct))
            return direct.Trim();
        var path = section[key + "_FILE"];
        if (string.IsNullOrWhiteSpace(path))
            return null;
        try
        {
            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
                problems.Add($"{section.Path}:{key}_FILE names an empty file ({path}).");
            return value.Length == 0 ? null : value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{section.Path}:{key}_FILE cannot be read ({path}): {ex.Message}");
            return null;
        }
    }
}
