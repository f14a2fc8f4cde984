using System.Diagnostics;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using DockerOps.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Setup;

/// <summary>The permission an endpoint declares; the access matrix test reads it from every endpoint.</summary>
public sealed record RequiredPermission(Permission Permission);

/// <summary>
/// API keys as an ASP.NET Core authentication scheme, and one authorization policy per
/// <see cref="Permission"/> taken from Core's role table. Anything without a declared policy still
/// needs a valid key (the fallback policy), so a forgotten declaration fails closed.
/// </summary>
public static class Authentication
{
    public const string Scheme = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
    public const string ScopeClaim = "dockerops:scope";

    public static string PolicyName(Permission permission) => $"permission:{permission}";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorization(options =>
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                options.AddPolicy(PolicyName(permission), policy => policy
                    .AddAuthenticationSchemes(Scheme)
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => context.User.GetRole() is { } role && role.Allows(permission)));
            }

            options.FallbackPolicy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
        });
        services.AddApiKeyDocumentation();
        return services;
    }

    /// <summary>Declares what an endpoint (or a group) needs; the role that grants it comes from Core's table.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName(permission))
            .WithMetadata(
                new RequiredPermission(permission),
                // Every protected endpoint can refuse the caller or its pace; the contract says so.
                Problem(StatusCodes.Status401Unauthorized),
                Problem(StatusCodes.Status403Forbidden),
                Problem(StatusCodes.Status429TooManyRequests));

    private static ProducesResponseTypeMetadata Problem(int status) =>
        new(status, typeof(ProblemDetails), ["application/problem+json"]);

    public static Role? GetRole(this ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.Role)?.Value is { } text && Enum.TryParse<Role>(text, ignoreCase: true, out var role) ? role : null;
}

/// <summary>
/// Reads <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>, checks it through Core, and
/// answers refusals with problem+json: 401 (with <c>WWW-Authenticate</c>) and 403. Both are recorded in the audit trail.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyService keys,
    IAuditTrail audit,
    IProblemDetailsService problems,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private KeyCheck? _check;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey(Request);
        if (presented is null)
            return AuthenticateResult.NoResult();

        _check = await keys.CheckAsync(presented, Context.RequestAborted);
        if (_check.Key is not { } key)
            return AuthenticateResult.Fail(_check.Detail!);

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.Id),
                new Claim(ClaimTypes.Name, key.Name),
                new Claim(ClaimTypes.Role, key.Role.ToString().ToLowerInvariant()),
                new Claim(Authentication.ScopeClaim, JsonSerializer.Serialize(key.Scope)),
            ],
            Authentication.Scheme);
        Context.Items[typeof(Actor)] = key.ToActor(Channel.Rest);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Authentication.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var detail = _check?.Detail ?? "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.";
        var rejection = _check?.Rejection ?? KeyRejection.Missing;
        var error = rejection == KeyRejection.Missing ? "" : ", error=\"invalid_token\"";
        Response.Headers.Append("WWW-Authenticate", $"Bearer realm=\"DockerOps\"{error}");
        Response.Headers.Append("WWW-Authenticate", $"ApiKey realm=\"DockerOps\", header=\"{Authentication.ApiKeyHeader}\"");
        await RecordAsync("unknown", "unknown", "request.unauthenticated", $"{rejection.ToString().ToLowerInvariant()} key: {detail}");
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.GetRole();
        var permission = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>()?.Permission;
        var detail = permission is { } needed
            ? $"The {role?.ToString().ToLowerInvariant()} role may not do this; it needs {needed.RequiredRole().ToString().ToLowerInvariant()}."
            : "This key may not do this.";
        await RecordAsync(
            Context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown",
            Context.User.FindFirstValue(ClaimTypes.Name) ?? "unknown",
            "request.forbidden",
            detail);
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization[7..].Trim();
        return request.Headers[Authentication.ApiKeyHeader].ToString() is { Length: > 0 } header ? header.Trim() : null;
    }

    private async Task RecordAsync(string actorId, string actorName, string action, string reason)
    {
        var endpoint = Context.GetEndpoint();
        var parameters = new Dictionary<string, string?>
        {
            ["method"] = Request.Method,
            ["path"] = Request.Path.Value,
            ["endpoint"] = endpoint?.DisplayName,
        };
        try
        {
            await audit.AppendAsync(
                new AuditRecord(clock.GetUtcNow(), actorId, actorName, Channel.Rest, action, null, null, Request.Path.Value,
                    AuditParameters.Scrub(parameters), AuditOutcome.Denied, reason, TimeSpan.Zero),
                CancellationToken.None);
        }
        catch (AuditUnavailableException ex)
        {
            // Nothing was performed; the refusal stands even when it cannot be recorded.
            LogUnrecordedRefusal(Logger, Request.Method, Request.Path, ex);
        }
    }

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}",
                Instance = Request.Path,
                Extensions = { ["traceId"] = Activity.Current?.Id ?? Context.TraceIdentifier },
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A refused request ({Method} {Path}) could not be recorded in the audit trail")]
    private static partial void LogUnrecordedRefusal(ILogger logger, string method, string path, Exception exception);
}
