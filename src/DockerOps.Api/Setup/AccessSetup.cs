using DockerOps.Api.Storage;
using DockerOps.Core.Access;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Setup;

/// <summary>
/// Where DockerOps keeps its state (<c>DOCKEROPS_DATA</c>, default <c>./data</c>), the bootstrap admin key
/// (<c>DOCKEROPS_ADMIN_KEY</c> or <c>DOCKEROPS_ADMIN_KEY_FILE</c>), and how long an audit write may wait for the store.
/// The names are the environment variables themselves, so they work unchanged as configuration keys.
/// </summary>
public sealed class AccessOptions
{
    public const string DataFolderKey = "DOCKEROPS_DATA";
    public const string AdminKeyKey = "DOCKEROPS_ADMIN_KEY";
    public const string AdminKeyFileKey = "DOCKEROPS_ADMIN_KEY_FILE";
    public const string AuditWriteTimeoutKey = "Audit:WriteTimeoutSeconds";
    public const int MinimumAdminKeyLength = 32;

    public string DataFolder { get; set; } = "./data";

    public string? AdminKey { get; set; }

    public string? AdminKeyFile { get; set; }

    public double AuditWriteTimeoutSeconds { get; set; } = 5;

    /// <summary>The bootstrap key from whichever source is set, or null.</summary>
    public string? ReadAdminKey() =>
        !string.IsNullOrWhiteSpace(AdminKey) ? AdminKey.Trim()
        : !string.IsNullOrWhiteSpace(AdminKeyFile) ? File.ReadAllText(AdminKeyFile).Trim()
        : null;
}

internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataFolder))
            failures.Add($"{AccessOptions.DataFolderKey} cannot be empty.");
        if (options.AuditWriteTimeoutSeconds is < 1 or > 300)
            failures.Add($"{AccessOptions.AuditWriteTimeoutKey} must be between 1 and 300 (got {options.AuditWriteTimeoutSeconds}).");
        if (!string.IsNullOrWhiteSpace(options.AdminKey) && !string.IsNullOrWhiteSpace(options.AdminKeyFile))
            failures.Add($"Set {AccessOptions.AdminKeyKey} or {AccessOptions.AdminKeyFileKey}, not both.");
        else if (!string.IsNullOrWhiteSpace(options.AdminKeyFile) && !File.Exists(options.AdminKeyFile))
            failures.Add($"{AccessOptions.AdminKeyFileKey} names '{options.AdminKeyFile}', which does not exist.");
        else
        {
            var key = options.ReadAdminKey();
            if (key is not null && (key.Length < AccessOptions.MinimumAdminKeyLength || key.Any(char.IsWhiteSpace)))
                failures.Add($"{(options.AdminKey is null ? AccessOptions.AdminKeyFileKey : AccessOptions.AdminKeyKey)} must hold a key of at least {AccessOptions.MinimumAdminKeyLength} characters without spaces (for example from 'openssl rand -base64 32', or 'keys create').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static partial class AccessSetup
{
    public static IServiceCollection AddAccessControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessOptions>()
            .Configure(options =>
            {
                options.DataFolder = configuration[AccessOptions.DataFolderKey] is { Length: > 0 } folder ? folder : options.DataFolder;
                options.AdminKey = configuration[AccessOptions.AdminKeyKey];
                options.AdminKeyFile = configuration[AccessOptions.AdminKeyFileKey];
                if (configuration[AccessOptions.AuditWriteTimeoutKey] is { Length: > 0 } timeout)
                    options.AuditWriteTimeoutSeconds = double.TryParse(timeout, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : -1;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AccessOptions>>().Value;
            return new SqliteApiKeyStore(new SqliteDatabase(Path.Combine(options.DataFolder, "keys.db"), TimeSpan.FromSeconds(5), SqliteApiKeyStore.Schema));
        });
        services.AddSingleton<IApiKeyStore>(provider => provider.GetRequiredService<SqliteApiKeyStore>());
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AccessOptions>>().Value;
            return new SqliteAuditTrail(new SqliteDatabase(Path.Combine(options.DataFolder, "audit.db"), TimeSpan.FromSeconds(options.AuditWriteTimeoutSeconds), SqliteAuditTrail.Schema));
        });
        services.AddSingleton<IAuditTrail>(provider => provider.GetRequiredService<SqliteAuditTrail>());
        services.AddSingleton<IAuditReader>(provider => provider.GetRequiredService<SqliteAuditTrail>());
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<AuditService>();
        services.AddHostedService<AccessStoreStartup>();
        return services;
    }

    /// <summary>Creates both databases and seeds the bootstrap admin key before the first request.</summary>
    internal sealed partial class AccessStoreStartup(
        SqliteApiKeyStore keyStore, SqliteAuditTrail auditTrail, ApiKeyService keys, IOptions<AccessOptions> options, ILogger<AccessStoreStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await keyStore.Database.InitializeAsync(cancellationToken);
            await auditTrail.Database.InitializeAsync(cancellationToken);
            var adminKey = options.Value.ReadAdminKey();
            if (adminKey is null)
            {
                LogNoBootstrapKey(logger);
                return;
            }

            var outcome = await keys.SeedBootstrapAsync(adminKey, cancellationToken);
            LogBootstrap(logger, outcome);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "No DOCKEROPS_ADMIN_KEY is set; create keys with 'keys create'")]
        private static partial void LogNoBootstrapKey(ILogger logger);

        [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin key: {Outcome}")]
        private static partial void LogBootstrap(ILogger logger, BootstrapOutcome outcome);
    }
}
