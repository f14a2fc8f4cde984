namespace DockerOps.Api.Tests;

/// <summary>The OpenAPI document describes every endpoint fully, and Swagger UI serves it.</summary>
public sealed class ApiDocumentationTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Every_operation_has_a_summary_tags_and_its_error_responses()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).AssertOkJsonAsync();

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .ToList();
        Assert.Contains(operations, op => op.Name == "POST /api/v1/containers");
        Assert.Contains(operations, op => op.Name == "GET /api/v1/containers/{ref}/logs");
        Assert.All(operations, op =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)op.Operation["summary"]), $"{op.Name} has no summary");
            Assert.NotEmpty(op.Operation["tags"]!.AsArray());
            Assert.NotEmpty(op.Operation["operationId"]!.GetValue<string>());
        });

        var containerOperations = operations.Where(op => op.Name.Contains("/api/v1/containers", StringComparison.Ordinal));
        Assert.All(containerOperations, op =>
        {
            var responses = op.Operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.Superset(new HashSet<string> { "400", "404", "409", "502", "503", "504" }, responses.ToHashSet());
        });
        var ready = operations.Single(op => op.Name == "GET /readyz").Operation["responses"]!.AsObject();
        Assert.True(ready.ContainsKey("503"));
    }

    [Fact]
    public async Task Durations_are_documented_as_cli_style_strings()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).AssertOkJsonAsync();

        var interval = document["components"]!["schemas"]!["HealthCheckSpec"]!["properties"]!["interval"]!;
        Assert.Contains("string", interval["type"]!.ToJsonString());
        Assert.Contains("1m30s", (string?)interval["description"]);
    }

    [Fact]
    public async Task Swagger_ui_is_served_over_the_document()
    {
        var response = await _client.GetAsync("/swagger/index.html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.Contains("swagger", html, StringComparison.OrdinalIgnoreCase);
        var config = await _client.GetStringAsync("/swagger/index.js");
        Assert.Contains("/openapi/v1.json", config);
    }
}
