using System.ComponentModel;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockerOps.Api.Access;

/// <summary>API keys under <c>/api/v1/keys</c> (unrestricted admins) and the caller's own identity at <c>/api/v1/me</c>.</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/keys").WithTags("Access");
        group.MapGet("", List).WithName("ListKeys").WithSummary("Every API key: name, role, scope, created, expires, last used, revoked. Never the key.")
            .RequirePermission(Permission.KeysManage);
        group.MapPost("", Create).WithName("CreateKey").WithSummary("Create an API key; the answer carries the key in 'key', this one time only.")
            .RequirePermission(Permission.KeysManage);
        group.MapDelete("/{id}", Revoke).WithName("RevokeKey").WithSummary("Revoke a key by id or name; it stops working at once.")
            .RequirePermission(Permission.KeysManage);
        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        routes.MapGet("/me", Me).WithTags("Access").WithName("GetMe").WithSummary("The caller's key: name, role, scope and what it may do.")
            .RequirePermission(Permission.IdentityRead);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<KeyResponse>>, ProblemHttpResult>> List(
        HttpContext http, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var listed = await keys.ListAsync(http.GetActor(), cancellationToken);
        return listed.IsOk
            ? TypedResults.Ok<IReadOnlyList<KeyResponse>>(listed.Value.Select(KeyResponse.From).ToList())
            : listed.Error!.ToProblem();
    }

    public static async Task<Results<Created<CreatedKeyResponse>, ProblemHttpResult>> Create(
        HttpContext http, ApiKeyService keys, CreateKeyRequest request, CancellationToken cancellationToken)
    {
        var scope = AccessScope.Create(request.Scope?.Names, request.Scope?.Labels, request.Scope?.Projects);
        if (!scope.IsOk)
            return scope.Error!.ToProblem();
        var created = await keys.CreateAsync(http.GetActor(), new NewApiKey(request.Name, request.Role, scope.Value, request.Expires), cancellationToken);
        if (!created.IsOk)
            return created.Error!.ToProblem();
        http.Response.Headers.CacheControl = "no-store";
        var record = created.Value.Record;
        return TypedResults.Created($"/api/v1/keys/{record.Id}", new CreatedKeyResponse(
            created.Value.Key, record.Id, record.Name, record.Role, ScopeResponse.From(record.Scope), record.Created, record.Expires));
    }

    public static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> Revoke(
        HttpContext http, ApiKeyService keys, [Description("The key's id or the name of an active key.")] string id, CancellationToken cancellationToken)
    {
        var revoked = await keys.RevokeAsync(http.GetActor(), id, cancellationToken);
        return revoked.IsOk ? TypedResults.Ok(KeyResponse.From(revoked.Value)) : revoked.Error!.ToProblem();
    }

    public static Ok<MeResponse> Me(HttpContext http)
    {
        var actor = http.GetActor();
        var permissions = Enum.GetValues<Permission>().Where(actor.May).Select(p => p.ToString()).ToList();
        return TypedResults.Ok(new MeResponse(actor.Id, actor.DisplayName, actor.Role, ScopeResponse.From(actor.Scope), permissions));
    }
}

public sealed record ScopeRequest(
    [property: Description("Container name patterns, such as api-*.")] List<string>? Names,
    [property: Description("Label selectors, 'key' or 'key=value'.")] List<string>? Labels,
    [property: Description("Compose project names.")] List<string>? Projects);

public sealed record CreateKeyRequest(
    [property: Description("A unique name for the key, such as ci-deploy.")] string? Name,
    [property: Description("viewer, operator or admin.")] string? Role,
    [property: Description("Which containers the key may see; absent or empty: all.")] ScopeRequest? Scope,
    [property: Description("A duration such as 30d, 12h or 90m, or an RFC 3339 time; absent: never.")] string? Expires);

public sealed record ScopeResponse(bool Unrestricted, IReadOnlyList<string> Names, IReadOnlyList<string> Labels, IReadOnlyList<string> Projects)
{
    public static ScopeResponse From(AccessScope scope) => new(scope.IsUnrestricted, scope.Names, scope.Labels, scope.Projects);
}

public sealed record KeyResponse(
    string Id, string Name, Role Role, ScopeResponse Scope, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed, DateTimeOffset? Revoked)
{
    public static KeyResponse From(ApiKey key) =>
        new(key.Id, key.Name, key.Role, ScopeResponse.From(key.Scope), key.Created, key.Expires, key.LastUsed, key.Revoked);
}

public sealed record CreatedKeyResponse(
    [property: Description("The key. It is shown this once and stored only as a hash.")] string Key,
    string Id, string Name, Role Role, ScopeResponse Scope, DateTimeOffset Created, DateTimeOffset? Expires);

public sealed record MeResponse(string Id, string Name, Role Role, ScopeResponse Scope, IReadOnlyList<string> Permissions);
