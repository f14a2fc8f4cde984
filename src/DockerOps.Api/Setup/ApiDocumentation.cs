using Microsoft.OpenApi;

namespace DockerOps.Api.Setup;

/// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi) and Swagger UI over it.</summary>
public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "DockerOps";
                document.Info.Description = "A control plane for Docker: containers, health, and (later) volumes, networks and images, behind role-based access.";
                document.Info.Version = "v1";
                return Task.CompletedTask;
            });
            // Durations go over the wire as the docker CLI writes them (DockerDurationJsonConverter); say so in the schema.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                var type = context.JsonTypeInfo.Type;
                if (type == typeof(TimeSpan) || type == typeof(TimeSpan?))
                {
                    schema.Type = type == typeof(TimeSpan) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Format = null;
                    schema.Pattern = null;
                    schema.Description ??= "A duration as the docker CLI writes it, such as 1s or 1m30s.";
                }

                return Task.CompletedTask;
            });
        });

    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath.Replace("v1", "{documentName}", StringComparison.Ordinal));
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "DockerOps v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "DockerOps API";
        });
        return app;
    }
}
