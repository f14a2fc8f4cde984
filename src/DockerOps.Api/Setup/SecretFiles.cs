namespace DockerOps.Api.Setup;

/// <summary>
/// The <c>_FILE</c> secret convention for job and alert settings: <c>Jobs__ConnectionString_FILE=/run/secrets/x</c>
/// sets <c>Jobs:ConnectionString</c> from that file, so secrets need not sit in environment variables.
/// (The admin key and the chat platforms read their own <c>_FILE</c> settings where they validate them.)
/// </summary>
public static class SecretFiles
{
    private static readonly string[] Sections = ["Jobs", "Alerts"];

    public static WebApplicationBuilder AddSecretFiles(this WebApplicationBuilder builder)
    {
        var resolved = Resolve(builder.Configuration);
        if (resolved.Count > 0)
            builder.Configuration.AddInMemoryCollection(resolved);
        return builder;
    }

    /// <summary>Each <c>Section:...:Key_FILE</c> whose <c>Key</c> is unset, read from its file (trimmed).</summary>
    public static Dictionary<string, string?> Resolve(IConfiguration configuration)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, path) in configuration.AsEnumerable())
        {
            if (!key.EndsWith("_FILE", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(path)
                || !Sections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
                continue;
            var target = key[..^"_FILE".Length];
            if (!string.IsNullOrEmpty(configuration[target]))
                continue;
            try
            {
                resolved[target] = File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Named, without the content: the setting's validation then reports what is missing.
                throw new InvalidOperationException($"{key} names a file that cannot be read ({path}): {ex.Message}", ex);
            }
        }

        return resolved;
    }
}
