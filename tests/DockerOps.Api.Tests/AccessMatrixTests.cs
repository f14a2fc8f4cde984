using System.Net;
using System.Text;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DockerOps.Api.Tests;

/// <summary>
/// Every endpoint the app maps, read from its <see cref="EndpointDataSource"/>, against every kind
/// of caller. A new endpoint without a declared permission fails the first test; a declared one is
/// checked against Core's role table by the second, with no list to keep up to date here.
/// </summary>
public sealed class AccessMatrixTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    private sealed record EndpointUnderTest(string Method, string Pattern, string Display, Permission? Permission, bool Anonymous);

    private enum Caller
    {
        NoKey,
        Viewer,
        Operator,
        Admin,
        ScopedOperator,
    }

    [Fact]
    public void Every_endpoint_declares_a_permission_or_is_explicitly_anonymous()
    {
        var endpoints = Endpoints();

        Assert.NotEmpty(endpoints);
        var undeclared = endpoints.Where(e => e.Permission is null && !e.Anonymous).Select(e => $"{e.Method} {e.Pattern} ({e.Display})").ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without .RequirePermission(...) or .AllowAnonymous():\n" + string.Join("\n", undeclared));
        Assert.Contains(endpoints, e => e.Pattern == "/healthz" && e.Anonymous);
        Assert.Contains(endpoints, e => e.Pattern == "/api/v1/keys" && e.Method == "POST" && e.Permission == Permission.KeysManage);
    }

    [Fact]
    public async Task Every_endpoint_answers_each_kind_of_caller_as_the_role_table_says()
    {
        var clients = new Dictionary<Caller, HttpClient>
        {
            [Caller.NoKey] = app.CreateAnonymousClient(),
            [Caller.Viewer] = await app.CreateClientWithRole(Role.Viewer),
            [Caller.Operator] = await app.CreateClientWithRole(Role.Operator),
            [Caller.Admin] = app.CreateClient(),
            [Caller.ScopedOperator] = await app.CreateClientWithRole(Role.Operator, new AccessScope(["matrix-*"], [], [])),
        };

        var mismatches = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            foreach (var (caller, client) in clients)
            {
                // Headers first: an allowed event stream would otherwise never end.
                using var response = await client.SendAsync(RequestFor(endpoint), HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
                var expected = Expected(endpoint, caller);
                var ok = expected switch
                {
                    401 => status == 401 && response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer") && body.Contains("\"status\":401"),
                    403 => status == 403 && body.Contains($"needs {endpoint.Permission!.Value.RequiredRole().ToString().ToLowerInvariant()}"),
                    // Allowed: the request reached its handler, which found nothing to act on or read what was there.
                    _ => status is 200 or 201 or 400 or 404,
                };
                if (!ok)
                    mismatches.Add($"{endpoint.Method} {endpoint.Pattern} as {caller}: expected {(expected == 0 ? "allowed" : expected)}, got {status} {Shorten(body)}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task The_openapi_document_is_public_and_states_each_operations_key_schemes_and_permission()
    {
        using var anonymous = app.CreateAnonymousClient();

        var document = await (await anonymous.GetAsync("/openapi/v1.json")).AssertOkJsonAsync();

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        Assert.Equal("X-Api-Key", (string?)document["components"]!["securitySchemes"]!["ApiKey"]!["name"]);
        var stop = document["paths"]!["/api/v1/containers/{ref}/stop"]!["post"]!;
        Assert.Contains("role operator or above", (string?)stop["description"]);
        Assert.NotEmpty(stop["security"]!.AsArray());
        // Anonymous operations say so with one empty requirement, rather than saying nothing.
        var noKeyNeeded = Assert.Single(document["paths"]!["/healthz"]!["get"]!["security"]!.AsArray());
        Assert.Empty(noKeyNeeded!.AsObject());
    }

    private static int Expected(EndpointUnderTest endpoint, Caller caller)
    {
        if (endpoint.Anonymous)
            return 0;
        var role = caller switch
        {
            Caller.NoKey => (Role?)null,
            Caller.Viewer => Role.Viewer,
            Caller.Operator or Caller.ScopedOperator => Role.Operator,
            _ => Role.Admin,
        };
        if (role is null)
            return 401;
        return role.Value.Allows(endpoint.Permission!.Value) ? 0 : 403;
    }

    private List<EndpointUnderTest> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new EndpointUnderTest(
                method,
                "/" + e.RoutePattern.RawText!.Trim('/'),
                e.DisplayName ?? "",
                e.Metadata.GetMetadata<RequiredPermission>()?.Permission,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .ToList();

    private static HttpRequestMessage RequestFor(EndpointUnderTest endpoint)
    {
        // Route values that name nothing, so that allowed requests change nothing on the shared engine.
        var path = System.Text.RegularExpressions.Regex.Replace(endpoint.Pattern, @"\{(\w+)[^}]*\}", match => match.Groups[1].Value switch
        {
            "documentName" => "v1",
            "ref" => "matrix-missing-" + Guid.NewGuid().ToString("N")[..8],
            _ => "missing-" + Guid.NewGuid().ToString("N")[..8],
        });
        // A prune the caller may run stays a preview: the engine is shared, and nothing here is the test's to remove.
        if (path.EndsWith("/prune", StringComparison.Ordinal))
            path += "?dryRun=true";
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    private static string Shorten(string body) => body.Length > 200 ? body[..200] : body;
}
