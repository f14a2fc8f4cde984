using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Setup;

/// <summary>
/// Settings under <c>Security:</c>: what container creation may ask for. These are the
/// admin-only switches: only whoever configures the service can turn them on.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    public bool AllowPrivileged { get; set; }

    public bool AllowHostNamespaces { get; set; }

    public bool AllowDevices { get; set; }

    public List<string> AllowedBindPaths { get; set; } = [];

    public List<string> AllowedCapabilities { get; set; } = [];

    /// <summary>The container DockerOps runs in; detected from /proc and the hostname when empty.</summary>
    public string? OwnContainerId { get; set; }
}

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedBindPaths.Count; i++)
        {
            var path = options.AllowedBindPaths[i];
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
                failures.Add($"Security:AllowedBindPaths:{i} must be an absolute host path (got '{path}').");
            else if (path.Trim('/').Length == 0)
                failures.Add($"Security:AllowedBindPaths:{i} cannot be '/': binding the host's root is never allowed.");
        }

        for (var i = 0; i < options.AllowedCapabilities.Count; i++)
        {
            if (!Regex.IsMatch(options.AllowedCapabilities[i] ?? "", "^(CAP_)?[A-Za-z_]+$"))
                failures.Add($"Security:AllowedCapabilities:{i} must be a capability name such as NET_ADMIN (got '{options.AllowedCapabilities[i]}').");
        }

        if (options.OwnContainerId is { Length: > 0 } id && !Regex.IsMatch(id, "^[0-9a-f]{12,64}$"))
            failures.Add($"Security:OwnContainerId must be 12 to 64 lowercase hex digits (got '{id}').");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static partial class GuardRailSetup
{
    public static IServiceCollection AddGuardRails(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SecurityOptions>>().Value;
            var docker = provider.GetRequiredService<IOptions<DockerOptions>>().Value;
            var sockets = new List<string> { "/var/run/docker.sock", "/run/docker.sock" };
            // The engines' own sockets, wherever they are configured, are never bound either.
            foreach (var host in docker.Engines.Values.Append(docker.EffectiveHost))
            {
                if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme == "unix")
                    sockets.Add(uri.AbsolutePath);
            }

            var own = options.OwnContainerId is { Length: > 0 } configured
                ? [configured]
                : OwnContainer.Detect(ReadQuietly("/proc/self/cgroup"), ReadQuietly("/proc/self/mountinfo"), Environment.MachineName, File.Exists("/.dockerenv"));
            return new ContainerGuardRails(new GuardRailSettings
            {
                AllowPrivileged = options.AllowPrivileged,
                AllowHostNamespaces = options.AllowHostNamespaces,
                AllowDevices = options.AllowDevices,
                AllowedBindPaths = options.AllowedBindPaths,
                AllowedCapabilities = options.AllowedCapabilities,
                ForbiddenBindPaths = sockets.Distinct().ToList(),
                OwnContainerIds = own,
                ResolveHostPath = HostPaths.FollowLinks,
            });
        });
        return services;
    }

    private static string ReadQuietly(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}

/// <summary>
/// Finds the container this process runs in: cgroup v1 paths name it (<c>/docker/&lt;id&gt;</c>),
/// cgroup v2 hides it but the mount table still shows <c>/containers/&lt;id&gt;/</c>, and Docker's
/// default hostname is the id's first 12 characters.
/// </summary>
public static partial class OwnContainer
{
    [GeneratedRegex(@"(?:docker[-/]|/containers/|libpod-)([0-9a-f]{64})")]
    private static partial Regex ContainerIdPath();

    [GeneratedRegex("^[0-9a-f]{12}$")]
    private static partial Regex ShortId();

    public static IReadOnlyList<string> Detect(string cgroup, string mountinfo, string hostname, bool dockerEnvFileExists)
    {
        var ids = ContainerIdPath().Matches(cgroup + "\n" + mountinfo).Select(m => m.Groups[1].Value).Distinct().ToList();
        // The hostname alone is weak evidence; only trust it inside a container (Docker writes /.dockerenv).
        if (ids.Count == 0 && dockerEnvFileExists && ShortId().IsMatch(hostname))
            ids.Add(hostname);
        return ids;
    }
}
