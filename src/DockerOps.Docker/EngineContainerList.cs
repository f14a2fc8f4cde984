using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DockerOps.Core.Containers;

namespace DockerOps.Docker;

/// <summary>
/// <c>GET /containers/json</c> read without Docker.DotNet: the list is the busiest call (every
/// listing, scope check and reconcile makes one), and Docker.DotNet reads it into a string and then
/// through Newtonsoft, which on hundreds of containers costs as much as the engine's own answer.
/// Only the fields DockerOps shows are declared; the rest of each item is skipped while parsing.
/// </summary>
internal static class EngineContainerList
{
    public static string PathAndQuery(ContainerQuery query, bool all)
    {
        var filters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string value)
        {
            if (!filters.TryGetValue(key, out var values))
                filters[key] = values = [];
            values.Add(value);
        }

        foreach (var label in query.Labels ?? [])
            Add("label", label);
        if (!string.IsNullOrEmpty(query.Name))
            Add("name", query.Name);
        if (query.State is { } state)
            Add("status", Mapping.EngineState(state));
        if (query.Health is { } health)
            Add("health", Mapping.EngineHealth(health));

        // Never ask for sizes: that makes the engine walk every container's filesystem.
        var path = new StringBuilder("containers/json?size=0&all=").Append(all ? '1' : '0');
        if (filters.Count > 0)
            path.Append("&filters=").Append(Uri.EscapeDataString(JsonSerializer.Serialize(filters, EngineJson.Default.SortedDictionaryStringListString)));
        return path.ToString();
    }
}

internal sealed record EngineContainerListItem(
    string Id,
    string[]? Names,
    string? Image,
    string? State,
    string? Status,
    Dictionary<string, string>? Labels,
    long Created,
    EnginePort[]? Ports);

internal sealed record EnginePort(
    [property: JsonPropertyName("IP")] string? IP,
    ushort PrivatePort,
    ushort PublicPort,
    string? Type);

[JsonSerializable(typeof(EngineContainerListItem[]))]
[JsonSerializable(typeof(SortedDictionary<string, List<string>>))]
internal sealed partial class EngineJson : JsonSerializerContext;
