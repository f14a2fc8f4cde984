using DockerOps.Core.Images;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Images;

/// <summary>
/// Pull credentials under <c>Registries</c>, a list (<c>Registries:0:Server</c>, <c>Registries__0__Password</c>),
/// because a registry host such as <c>registry:5000</c> cannot be a configuration key: ':' separates sections.
/// </summary>
public sealed class RegistryOptions
{
    public const string Section = "Registries";

    public List<RegistryLogin> Logins { get; set; } = [];
}

public sealed class RegistryLogin
{
    /// <summary>The registry as image names write it: <c>registry.example.com</c>, <c>127.0.0.1:5000</c>, or <c>docker.io</c>.</summary>
    public string? Server { get; set; }

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? IdentityToken { get; set; }
}

internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Logins.Count; i++)
        {
            var login = options.Logins[i];
            if (string.IsNullOrWhiteSpace(login.Server))
                failures.Add($"Registries:{i}:Server is required (the registry host, such as registry.example.com:5000).");
            if (string.IsNullOrEmpty(login.IdentityToken) && (string.IsNullOrEmpty(login.Username) || string.IsNullOrEmpty(login.Password)))
                failures.Add($"Registries:{i} ({login.Server}) needs Username and Password, or IdentityToken.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class ConfiguredRegistryCredentials(IOptions<RegistryOptions> options) : IRegistryCredentials
{
    public RegistryCredentials? For(string registry) =>
        options.Value.Logins.FirstOrDefault(l => string.Equals(l.Server, registry, StringComparison.OrdinalIgnoreCase)) is { } login
            ? new RegistryCredentials(registry, login.Username, login.Password, login.IdentityToken)
            : null;
}
