namespace DockerOps.Api.Setup;

/// <summary>
/// Resolves a host path the way the kernel does when the engine binds it: every component, links
/// included (relative or absolute, chained), on this machine's filesystem. DockerOps sees the host's
/// files when it runs on the host or with the allowed folders bound at the same paths; elsewhere the
/// components it cannot see are kept as written.
/// </summary>
public static class HostPaths
{
    // The kernel's own limit on links followed while resolving one path (MAXSYMLINKS).
    private const int MaxLinks = 40;

    public static string FollowLinks(string path)
    {
        var pending = new List<string>(Components(path));
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            var target = LinkTarget(candidate);
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            // A loop or an absurd chain is refused by the kernel too; stop resolving and keep what was written.
            if (++links > MaxLinks)
                return path;
            if (target.StartsWith('/'))
                resolved.Clear();
            pending.InsertRange(0, Components(target));
        }

        return "/" + string.Join('/', resolved);
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
