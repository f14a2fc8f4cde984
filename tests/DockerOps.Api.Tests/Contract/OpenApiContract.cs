using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace DockerOps.Api.Tests.Contract;

/// <summary>
/// The committed contract (openapi/dockerops.v1.json) as a checker of real responses: finds the
/// operation for a method and path, the documented response for the status, and validates the
/// body against its schema (OpenAPI 3.1 schemas are JSON Schema 2020-12).
/// </summary>
public sealed class OpenApiContract
{
    public const string RegenerateCommand = "dotnet build src/DockerOps.Api -p:GenerateOpenApi=true";

    private static readonly Lazy<OpenApiContract> Committed = new(() => new OpenApiContract(File.ReadAllText(CommittedPath)));

    private readonly JsonObject _document;
    private readonly JsonObject _schemas;
    private readonly List<(Regex Pattern, string Template, int Parameters)> _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _compiled = new();

    public OpenApiContract(string documentText)
    {
        _document = JsonNode.Parse(documentText)!.AsObject();
        _schemas = _document["components"]?["schemas"]?.AsObject() ?? [];
        _paths = _document["paths"]!.AsObject()
            .Select(p => (
                new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^/]+?}", "[^/]+") + "/?$"),
                p.Key,
                p.Key.Count(c => c == '{')))
            .ToList();
    }

    public static OpenApiContract Load() => Committed.Value;

    public static string CommittedPath => Path.Combine(RepositoryRoot(), "openapi", "dockerops.v1.json");

    public JsonObject Document => _document;

    /// <summary>Every (method, path template) the contract documents.</summary>
    public IEnumerable<(string Method, string Template)> Operations =>
        _document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(o => o.Key is "get" or "put" or "post" or "delete" or "patch")
            .Select(o => (o.Key.ToUpperInvariant(), p.Key)));

    public string? FindTemplate(string path) =>
        _paths.Where(p => p.Pattern.IsMatch(path)).OrderBy(p => p.Parameters).Select(p => p.Template).FirstOrDefault();

    /// <summary>The problems with one response, or none when it is what the contract says.</summary>
    public IReadOnlyList<string> Check(string method, string path, int status, string? mediaType, string body)
    {
        var template = FindTemplate(path);
        if (template is null)
        {
            // An unknown route has no contract of its own; it only owes a problem body.
            return status is 404 or 405 && mediaType == "application/problem+json"
                ? []
                : [$"{method} {path}: no documented path matches (answered {status} {mediaType})."];
        }
        var operation = _document["paths"]![template]![method.ToLowerInvariant()];
        if (operation is null)
            return [$"{method} {template}: the method is not documented."];
        var responses = operation["responses"]?.AsObject();
        var response = responses?[status.ToString()] ?? responses?["default"];
        if (response is null)
            return [$"{method} {template}: status {status} is not documented (documented: {string.Join(", ", responses?.Select(r => r.Key) ?? [])})."];

        var content = response["content"]?.AsObject();
        if (content is null || content.Count == 0)
            return body.Length == 0 ? [] : [$"{method} {template} {status}: a body was sent but none is documented."];
        if (mediaType is null)
            return body.Length == 0 ? [$"{method} {template} {status}: no body, but {string.Join(", ", content.Select(c => c.Key))} is documented."] : [];
        var media = content[mediaType];
        if (media is null)
            return [$"{method} {template} {status}: media type {mediaType} is not documented (documented: {string.Join(", ", content.Select(c => c.Key))})."];
        if (!mediaType.Contains("json", StringComparison.Ordinal) || media["schema"] is null)
            return [];

        var schema = _compiled.GetOrAdd($"{method} {template} {status} {mediaType}", _ => Compile(media["schema"]!));
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return [$"{method} {template} {status}: the body is not JSON ({ex.Message})."];
        }

        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return [];
        return (result.Details ?? [])
            .Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{method} {template} {status}: at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty($"{method} {template} {status}: the body does not match the schema.")
            .ToList();
    }

    private JsonSchema Compile(JsonNode schema)
    {
        // Inline the component schemas as $defs so that references resolve without a registry.
        var wrapper = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = _schemas.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        var text = wrapper.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DockerOps.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("DockerOps.sln not found above the test binaries.");
    }
}

/// <summary>
/// Checks every JSON response a test receives against the committed contract, so that every
/// test doubles as a contract test; a mismatch fails the request with the reasons.
/// </summary>
public sealed class ContractCheckingHandler(OpenApiContract contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal) && path is not ("/healthz" or "/readyz"))
            return response;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is "text/event-stream" or "text/plain" or "application/x-ndjson")
            return response;

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problems = contract.Check(request.Method.Method, path, (int)response.StatusCode, mediaType, body);
        if (problems.Count > 0)
            throw new ContractViolationException($"The response breaks the committed contract ({OpenApiContract.CommittedPath}):\n  " +
                string.Join("\n  ", problems) + $"\nBody: {body[..Math.Min(body.Length, 2000)]}\n" +
                $"If the code is right, regenerate the contract: {OpenApiContract.RegenerateCommand}");
        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
