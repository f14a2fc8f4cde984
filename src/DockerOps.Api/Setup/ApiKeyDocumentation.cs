using DockerOps.Core.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DockerOps.Api.Setup;

/// <summary>
/// Puts the API key schemes in the OpenAPI document, marks anonymous operations as such, and states
/// each operation's permission and lowest role, so the contract carries the access matrix.
/// </summary>
public static class ApiKeyDocumentation
{
    public static IServiceCollection AddApiKeyDocumentation(this IServiceCollection services, string documentName = "v1")
    {
        services.Configure<OpenApiOptions>(documentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key (dko_...) as a bearer token.",
                };
                document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = Authentication.ApiKeyHeader,
                    Description = "The same API key in the X-Api-Key header.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    // Stated, not left out: an empty requirement says "no key needed" to readers and linters.
                    operation.Security = [new OpenApiSecurityRequirement()];
                    return Task.CompletedTask;
                }
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", context.Document)] = [] },
                ];
                if (metadata.OfType<RequiredPermission>().FirstOrDefault() is { } required)
                {
                    var role = required.Permission.RequiredRole().ToString().ToLowerInvariant();
                    operation.Description = $"{operation.Description}\n\nPermission: {required.Permission} (role {role} or above).".Trim();
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }
}
