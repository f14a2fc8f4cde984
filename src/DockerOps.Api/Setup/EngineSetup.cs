using DockerOps.Api.Images;
using DockerOps.Core.Access;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Images;
using DockerOps.Core.Networks;
using DockerOps.Core.Posture;
using DockerOps.Core.Pruning;
using DockerOps.Core.Volumes;
using DockerOps.Docker;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Setup;

/// <summary>Settings under <c>Docker:</c>. The default engine is named <c>local</c>.</summary>
public sealed class DockerOptions
{
    public const string Section = "Docker";
    public const string LocalEngine = "local";

    /// <summary>The local engine's endpoint; empty means DOCKER_HOST, else the standard socket.</summary>
    public string? Host { get; set; }

    /// <summary>Deadline for quick engine calls (list, inspect, start, ...).</summary>
    public double CallTimeoutSeconds { get; set; } = 5;

    /// <summary>Added to a stop or restart's own timeout to get that call's deadline.</summary>
    public double StopMarginSeconds { get; set; } = 10;

    /// <summary>Deadline for a whole image pull.</summary>
    public double PullTimeoutSeconds { get; set; } = 600;

    /// <summary>Deadline for disk usage and prune calls, which walk the engine's storage.</summary>
    public double PruneTimeoutSeconds { get; set; } = 120;

    /// <summary>More engines by name (name to endpoint), beside <c>local</c>.</summary>
    public Dictionary<string, string> Engines { get; set; } = [];

    public string EffectiveHost => string.IsNullOrWhiteSpace(Host) ? DockerEngineSettings.HostFromEnvironment() : Host;
}

internal sealed class DockerOptionsValidator : IValidateOptions<DockerOptions>
{
    private static readonly string[] Schemes = ["unix", "tcp", "http", "https"];

    public ValidateOptionsResult Validate(string? name, DockerOptions options)
    {
        var failures = new List<string>();
        CheckHost("Docker:Host (or DOCKER_HOST)", options.EffectiveHost, failures);
        foreach (var (engine, host) in options.Engines)
            CheckHost($"Docker:Engines:{engine}", host, failures);
        if (options.CallTimeoutSeconds is <= 0 or > 600)
            failures.Add($"Docker:CallTimeoutSeconds must be between 0 and 600 (got {options.CallTimeoutSeconds}).");
        if (options.StopMarginSeconds is < 0 or > 600)
            failures.Add($"Docker:StopMarginSeconds must be between 0 and 600 (got {options.StopMarginSeconds}).");
        if (options.PullTimeoutSeconds is <= 0 or > 86400)
            failures.Add($"Docker:PullTimeoutSeconds must be between 0 and 86400 (got {options.PullTimeoutSeconds}).");
        if (options.PruneTimeoutSeconds is <= 0 or > 86400)
            failures.Add($"Docker:PruneTimeoutSeconds must be between 0 and 86400 (got {options.PruneTimeoutSeconds}).");
        if (options.Engines.Keys.Any(k => k.Equals(DockerOptions.LocalEngine, StringComparison.OrdinalIgnoreCase)))
            failures.Add("Docker:Engines cannot redefine 'local'; set Docker:Host instead.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckHost(string setting, string host, List<string> failures)
    {
        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme))
            failures.Add($"{setting} must be a unix://, tcp://, http:// or https:// address (got '{host}').");
    }
}

public static class EngineSetup
{
    public static IServiceCollection AddDockerEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DockerOptions>().Bind(configuration.GetSection(DockerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DockerOptions>, DockerOptionsValidator>();
        services.AddSingleton<IEngineRegistry>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DockerOptions>>().Value;
            var callTimeout = TimeSpan.FromSeconds(options.CallTimeoutSeconds);
            var stopMargin = TimeSpan.FromSeconds(options.StopMarginSeconds);
            var longCalls = (Pull: TimeSpan.FromSeconds(options.PullTimeoutSeconds), Prune: TimeSpan.FromSeconds(options.PruneTimeoutSeconds));
            var engines = options.Engines
                .Select(e => new DockerEngineSettings(e.Key, new Uri(e.Value), callTimeout, stopMargin) { PullTimeout = longCalls.Pull, PruneTimeout = longCalls.Prune })
                .Prepend(new DockerEngineSettings(DockerOptions.LocalEngine, new Uri(options.EffectiveHost), callTimeout, stopMargin) { PullTimeout = longCalls.Pull, PruneTimeout = longCalls.Prune });
            return new DockerEngineRegistry(DockerOptions.LocalEngine, engines);
        });
        services.AddSingleton<IEngineEventSources>(provider => (DockerEngineRegistry)provider.GetRequiredService<IEngineRegistry>());
        services.AddSingleton<IResourceEngineRegistry>(provider => (DockerEngineRegistry)provider.GetRequiredService<IEngineRegistry>());
        services.AddOptions<RegistryOptions>().Configure(options => configuration.GetSection(RegistryOptions.Section).Bind(options.Logins)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        services.AddSingleton<IRegistryCredentials, ConfiguredRegistryCredentials>();
        return services;
    }

    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ActionGate>();
        services.AddSingleton<ContainerService>();
        services.AddSingleton<VolumeService>();
        services.AddSingleton<NetworkService>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<SystemService>();
        services.AddSingleton<PruneLocks>();
        services.AddSingleton<PruneService>();
        services.AddSingleton<PostureService>();
        return services;
    }
}
