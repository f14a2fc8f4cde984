using System.Text.Json;
using System.Text.Json.Serialization;
using DockerOps.Core.Common;

namespace DockerOps.Api.Setup;

/// <summary>
/// Durations in responses as the docker CLI writes them (<c>1s</c>, <c>1m30s</c>), the same form the
/// create request takes, so that a health check reads back exactly as it was written.
/// </summary>
public sealed class DockerDurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DockerDuration.TryParse(reader.GetString(), out var duration)
            ? duration
            : throw new JsonException("A duration must be written like 1s, 1m30s or 250ms.");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DockerDuration.Format(value));
}
