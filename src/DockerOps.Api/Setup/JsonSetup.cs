using System.Text.Json;
using System.Text.Json.Serialization;

namespace DockerOps.Api.Setup;

public static class JsonSetup
{
    public static IServiceCollection AddApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            // Enums as the engine and the docker CLI spell them: "running", "unhealthy".
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            options.SerializerOptions.Converters.Add(new DockerDurationJsonConverter());
            // A misspelt field must not be silently ignored: it is a 400 that names it.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Numbers are numbers: "5" for an integer field is a 400, and the contract says so.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
}
