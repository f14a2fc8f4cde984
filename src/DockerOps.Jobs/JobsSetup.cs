using DockerOps.Core.Alerts;
using DockerOps.Core.Containers;
using DockerOps.Core.Incidents;
using DockerOps.Jobs.Alerts;
using DockerOps.Jobs.Health;
using DockerOps.Jobs.Scheduling;
using DockerOps.Jobs.Storage;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
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

        services.AddSingleton(new JobsDatabase(JobsDatabase.FolderFrom(configuration)));
        services.AddSingleton<SqliteIncidentStore>();
        services.AddSingleton<IIncidentStore>(p => p.GetRequiredService<SqliteIncidentStore>());
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
        services.AddSingleton<AutoHealService>();
        services.AddSingleton<HealthWatcher>();
        services.AddHostedService(p => p.GetRequiredService<HealthWatcher>());

        services.AddSingleton<JobCatalog>();
        services.AddSingleton<JobsService>();
        services.AddTransient<RecurringJobRunner>();

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

            var folder = Path.GetFullPath(JobsDatabase.FolderFrom(configuration));
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, options.SqliteFile);
            return new SQLiteStorage(file, new SQLiteStorageOptions { QueuePollInterval = poll });
        });
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((provider, server) =>
        {
            var options = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.Queues = [AlertDeliveryJob.Queue, "default"];
            server.WorkerCount = options.WorkerCount;
            // Retries are scheduled jobs: look for due ones every second, not every 15.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHostedService<RecurringJobsRegistrar>();
        return services;
    }
}
