using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DockerOps.Api.Setup;

/// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi) and Swagger UI over it.</summary>
public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Containers"] = "Container lifecycle (the guide's created, running, paused, stopped, removed), logs, stats and health.",
        ["Volumes"] = "Named and anonymous volumes, with the containers using each; bind and tmpfs mounts show on each container.",
        ["Networks"] = "Bridge, overlay, macvlan and ipvlan networks, their containers and addresses; connect and disconnect.",
        ["Images"] = "Images with the containers using them, tags, and pulls with registry credentials from configuration.",
        ["System"] = "Engine information, disk usage, events as server-sent events, and the system prune.",
        ["Posture"] = "Findings from the guide's security chapter for each running container, each with a severity and the fix.",
        ["Incidents"] = "What the health watch found (unhealthy, crashed, OOM-killed, restart loops), acknowledgements, silences and maintenance windows.",
        ["Jobs"] = "Scheduled jobs (prunes, reconcile, clean-up): schedule, last run and outcome; change or run them.",
        ["Alerts"] = "Alert channels (Discord, Slack, signed webhooks) and a test message to each.",
        ["Access"] = "API keys and the caller's own role, scope and permissions.",
        ["Audit"] = "The tamper-evident audit trail: search, CSV export and chain verification.",
        ["Service health"] = "Liveness, readiness and metrics of DockerOps itself.",
    };

    /// <summary>
    /// The build-time document generator starts the host to read its endpoints. The health watch, the
    /// job server and the chat gateways must not run then: a build needs no engine, and writes no data.
    /// </summary>
    public static IServiceCollection WithoutBackgroundWorkWhileGeneratingTheDocument(this IServiceCollection services)
    {
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider")
            services.RemoveAll<IHostedService>();
        return services;
    }

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "DockerOps";
                document.Info.Description = "A control plane for Docker: containers, volumes, networks, images and the engine; the health watch's incidents, scheduled jobs and alerts; all behind API keys with roles and scopes, and audited.";
                document.Info.Version = "v1";
                // Relative, so that Swagger UI and clients call whichever address served the document.
                document.Servers = [new OpenApiServer { Url = "/", Description = "The service that served this document." }];
                document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(DescribeProblemExtensions);
            options.AddSchemaTransformer(DescribeDurations);
        });

    /// <summary>Durations go over the wire as the docker CLI writes them (<see cref="DockerDurationJsonConverter"/>); the schema says so.</summary>
    private static Task DescribeDurations(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type != typeof(TimeSpan) && type != typeof(TimeSpan?))
            return Task.CompletedTask;
        schema.Type = type == typeof(TimeSpan) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        schema.Format = null;
        schema.Pattern = @"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$";
        schema.Description ??= "A duration as the docker CLI writes it, such as 1s or 1m30s.";
        return Task.CompletedTask;
    }

    /// <summary>Our problems carry RFC 9457 extension members; the contract lists them and allows others.</summary>
    private static Task DescribeProblemExtensions(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(ProblemDetails) && context.JsonTypeInfo.Type != typeof(HttpValidationProblemDetails))
            return Task.CompletedTask;
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the service's logs." };
        schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The input field or parameter at fault (400s)." };
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Messages by field, as in validation problems.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        schema.Properties["candidates"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "What an ambiguous reference matched (409s).",
            Items = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        return Task.CompletedTask;
    }

    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        // The contract is public; what it describes is not.
        app.MapOpenApi(DocumentPath.Replace("v1", "{documentName}", StringComparison.Ordinal)).AllowAnonymous();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "DockerOps v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "DockerOps API";
        });
        return app;
    }
}
