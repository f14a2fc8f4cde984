using System.Text.Json.Nodes;
using DockerOps.Testing;

namespace DockerOps.Api.Tests;

/// <summary>Creates labelled test containers through the REST API itself.</summary>
public static class TestContainers
{
    public static string UniqueName(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>The labels that mark a container as this run's, merged with any extra ones.</summary>
    public static Dictionary<string, string> Labels(IDictionary<string, string>? extra = null)
    {
        var labels = new Dictionary<string, string> { [TestEngine.Label] = TestEngine.RunId };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            labels[key] = value;
        return labels;
    }

    /// <summary>Creates (and by default starts) a busybox container that sleeps, returning its details.</summary>
    public static async Task<JsonNode> CreateAsync(
        HttpClient client,
        string? name = null,
        string[]? command = null,
        bool start = true,
        IDictionary<string, string>? labels = null,
        object? healthcheck = null)
    {
        var response = await client.PostJsonAsync("/api/v1/containers", new
        {
            name = name ?? UniqueName(),
            image = TestEngine.Image,
            command = command ?? ["sleep", "3600"],
            labels = Labels(labels),
            healthcheck,
            start,
        });
        return await response.AssertOkJsonAsync(201);
    }
}

/// <summary>Waiting for the engine to get somewhere, without fixed sleeps.</summary>
public static class Eventually
{
    /// <summary>Polls until <paramref name="probe"/> returns a value, or fails naming what it waited for.</summary>
    public static async Task<T> GetAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(250);
        }
    }
}
