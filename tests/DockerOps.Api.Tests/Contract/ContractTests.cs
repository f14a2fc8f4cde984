using System.Text.Json.Nodes;

namespace DockerOps.Api.Tests.Contract;

public sealed class ContractTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    [Fact]
    public async Task The_committed_contract_is_the_document_the_running_service_serves()
    {
        var served = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        var committed = OpenApiContract.Load().Document;

        Assert.True(JsonNode.DeepEquals(served, committed),
            $"openapi/dockerops.v1.json is out of date with the code. Regenerate it: {OpenApiContract.RegenerateCommand}");
    }

    [Fact]
    public void Every_operation_has_an_id_a_summary_tags_and_documents_its_problem_responses()
    {
        var contract = OpenApiContract.Load();
        var missing = new List<string>();
        foreach (var (method, template) in contract.Operations)
        {
            var operation = contract.Document["paths"]![template]![method.ToLowerInvariant()]!;
            if (string.IsNullOrEmpty((string?)operation["operationId"]))
                missing.Add($"{method} {template}: operationId");
            if (string.IsNullOrEmpty((string?)operation["summary"]))
                missing.Add($"{method} {template}: summary");
            if (operation["tags"] is not JsonArray { Count: > 0 })
                missing.Add($"{method} {template}: tags");
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                if (string.IsNullOrEmpty((string?)parameter!["description"]))
                    missing.Add($"{method} {template}: description of parameter '{parameter["name"]}'");
            }

            var responses = operation["responses"]!.AsObject();
            if (template.StartsWith("/api/", StringComparison.Ordinal) && !responses.Any(r => r.Value!["content"]?["application/problem+json"] is not null))
                missing.Add($"{method} {template}: no problem+json response");
        }

        Assert.True(missing.Count == 0, "Incomplete operations in the contract:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task The_checker_refuses_a_body_that_does_not_match_the_schema()
    {
        var contract = OpenApiContract.Load();

        var wrong = contract.Check("GET", "/api/v1/containers", 200, "application/json", """[{"id": 42}]""");
        var right = contract.Check("GET", "/healthz", 200, "application/json", await app.CreateClient().GetStringAsync("/healthz"));

        Assert.NotEmpty(wrong);
        Assert.Empty(right);
    }
}
