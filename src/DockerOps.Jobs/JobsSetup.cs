using DockerOps.Core.Alerts;
using DockerOps.Core.Containers;
using DockerOps.Core.Incidents;
using DockerOps.Core.Jobs;
using DockerOps.Jobs.Alerts;
using DockerOps.Jobs.Health;
using DockerOps.Jobs.Scheduling;
using DockerOps.Jobs.Storage;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs;

public static class JobsSetup
{
    /// <summary>
    /// Hangfire (SQLite in the data folder by default, PostgreSQL when configured), the health watch,
    /// incidents, alert delivery, auto-heal and the recurring jobs.
    /// </summary>
    public static IServiceCollection AddDockerOpsJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();

        // Read when first needed, not now: hosts (and test hosts) may still add configuration.
        services.AddSingleton(p => p.GetRequiredService<IOptions<JobsOptions>>().Value is { UsesPostgreSql: true } jobs
            ? JobsDatabase.PostgreSql(jobs.ConnectionString!)
            : new JobsDatabase(JobsDatabase.FolderFrom(p.GetRequiredService<IConfiguration>())));
        services.AddSingleton<JobsIncidentStore>();
        services.AddSingleton<IIncidentStore>(p => p.GetRequiredService<JobsIncidentStore>());
        services.AddSingleton<DeliveryLedger>();

        services.AddHttpClient(AlertSender.HttpClientName);
        services.AddSingleton<AlertSender>();
        services.AddSingleton<AlertDelivery>();
        services.AddTransient<AlertDeliveryJob>();
        services.AddSingleton<IAlertPublisher, HangfireAlertPublisher>();
        services.AddSingleton<AlertsService>();

        services.AddSingleton(p => p.GetRequiredService<IOptions<HealthOptions>>().Value.ToPolicy());
        services.AddSingleton(p => p.GetRequiredService<IOptions<HealthOptions>>().Value.AutoHeal.ToPolicy());
        services.AddSingleton<IncidentService>();
        services.AddSingleton<IAutoHealClaims, LedgerAutoHealClaims>();
        services.AddSingleton<AutoHealService>();
        services.AddSingleton<HealthWatcher>();
        services.AddHostedService(p => p.GetRequiredService<HealthWatcher>());

        services.AddSingleton<JobCatalog>();
        services.AddSingleton<JobsService>();
        services.AddSingleton<IScheduledJobs>(p => p.GetRequiredService<JobsService>());
        services.AddTransient<RecurringJobRunner>();
        services.AddTransient<PruneJobs>();

        // The storage is ours, not Hangfire's static JobStorage.Current, so that two hosts in one
        // process (tests) never share a job store by accident.
        services.AddSingleton<JobStorage>(p =>
        {
            var options = p.GetRequiredService<IOptions<JobsOptions>>().Value;
            AlertRetryAttribute.MaxAttempts = p.GetRequiredService<IOptions<AlertOptions>>().Value.MaxAttempts;
            var poll = TimeSpan.FromSeconds(options.QueuePollIntervalSeconds);
            if (options.UsesPostgreSql)
            {
                var postgres = new PostgreSqlStorageOptions { QueuePollInterval = poll, PrepareSchemaIfNecessary = true };
                return new PostgreSqlStorage(new NpgsqlConnectionFactory(options.ConnectionString!, postgres), postgres);
            }

            var folder = Path.GetFullPath(JobsDatabase.FolderFrom(p.GetRequiredService<IConfiguration>()));
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, options.SqliteFile);
            return new SQLiteStorage(file, new SQLiteStorageOptions { QueuePollInterval = poll });
        });
        // Clients and the activator bound to this host's storage and container, registered before
        // AddHangfire so that its defaults (which may fall back to Hangfire's statics) are not used.
        services.AddSingleton<IBackgroundJobClient>(p => new BackgroundJobClient(p.GetRequiredService<JobStorage>()));
        services.AddSingleton<IRecurringJobManager>(p => new RecurringJobManager(p.GetRequiredService<JobStorage>()));
        services.AddSingleton<JobActivator>(p => new Hangfire.AspNetCore.AspNetCoreJobActivator(p.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, config) => config
            .UseLogProvider(new HostLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((provider, server) =>
        {
            var options = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.Queues = [AlertDeliveryJob.Queue, "default"];
            server.Activator = provider.GetRequiredService<JobActivator>();
            server.WorkerCount = options.WorkerCount;
            // Retries are scheduled jobs: look for due ones every second, not every 15.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHostedService<RecurringJobsRegistrar>();
        return services;
    }
}

/// <summary>
/// Hangfire keeps its log provider in a static. When a host in the same process has stopped (tests
/// run several), its logger factory is disposed: log nothing then rather than fail the job.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(factory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new Silent();
        }
    }

    private sealed class Silent : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
