using DockerOps.Core.Common;
using OpenTelemetry.Metrics;

namespace DockerOps.Api.Setup;

/// <summary>Prometheus metrics at <c>/metrics</c> and structured logs with request ids.</summary>
public static class Observability
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        // `Logging:Format=json` gives one JSON object per line, with scopes carrying the request and trace ids.
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(options => options.IncludeScopes = true);
        }

        // ASP.NET Core's own meters give request durations by route and status; ours give the rest.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", DockerOpsMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPrometheusScrapingEndpoint("/metrics")
            .WithName("Metrics")
            .WithTags("Service health")
            .WithSummary("Prometheus metrics: HTTP, engine calls, jobs, alerts, incidents, chat commands.");
}
