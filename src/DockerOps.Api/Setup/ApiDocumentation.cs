namespace DockerOps.Api.Setup;

/// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi) and Swagger UI over it.</summary>
public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "DockerOps";
            document.Info.Description = "A control plane for Docker: containers, health, and (later) volumes, networks and images, behind role-based access.";
            document.Info.Version = "v1";
            return Task.CompletedTask;
        }));

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
