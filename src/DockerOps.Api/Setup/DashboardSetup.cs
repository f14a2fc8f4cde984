using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text;
using DockerOps.Core.Access;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace DockerOps.Api.Setup;

/// <summary>The authorization policies, defined in one place so that API keys can point at them.</summary>
public static class Policies
{
    /// <summary>Admins only: the Hangfire dashboard can rerun and delete jobs.</summary>
    public const string Admin = "dockerops-admin";

}

/// <summary>
/// The Hangfire dashboard at <c>/hangfire</c>, for admins: browsers sign in with an admin API key through a
/// small form and carry a cookie; API clients send their admin key as everywhere else.
/// </summary>
public static class DashboardSetup
{
    public const string CookieScheme = "dockerops-dashboard";

    /// <summary>Picks the key scheme when a key is sent, else the cookie (browsers are sent to the form).</summary>
    public const string Scheme = "dockerops-dashboard-or-key";

    /// <summary>Rerunning and deleting jobs is what the dashboard allows; the access matrix reads this.</summary>
    public const Permission DashboardPermission = Permission.JobsWrite;
    public const string SignInPath = "/sign-in";

    public static IServiceCollection AddDashboardSignIn(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Dashboard cookie or API key", options => options.ForwardDefaultSelector = ChooseScheme)
            .AddCookie(CookieScheme, options =>
        {
            options.LoginPath = SignInPath;
            options.Cookie.Name = "dockerops-dashboard";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
            options.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<DashboardSessionCheck>().ValidateAsync(context),
            };
        });
        services.AddSingleton<DashboardSessionCheck>();
        services.AddAuthorizationBuilder().AddPolicy(Policies.Admin, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.GetRole() is { } role && role.Allows(DashboardPermission)));
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, "/hangfire",
            new DashboardOptions { DashboardTitle = "DockerOps jobs", AppPath = "/swagger", Authorization = [] },
            app.Services.GetRequiredService<JobStorage>())
            .WithMetadata(new RequiredPermission(DashboardPermission));
        app.MapGet(SignInPath, (string? ReturnUrl) => Form(ReturnUrl, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignInPath, SignIn).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static string ChooseScheme(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(Authentication.ApiKeyHeader))
            return Authentication.Scheme;
        if (request.Cookies.ContainsKey(CookieScheme))
            return CookieScheme;
        // Without a key or a cookie, a browser is sent to the form and an API client gets a 401 problem.
        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase) ? CookieScheme : Authentication.Scheme;
    }

    private static async Task<IResult> SignIn(HttpContext http, ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
            return Form(null, "Send the sign-in form (application/x-www-form-urlencoded).", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = form["returnUrl"].ToString();
        var check = await keys.CheckAsync(form["key"].ToString(), cancellationToken);
        if (check.Key is not { } key || !key.Role.Allows(DashboardPermission))
            return Form(returnUrl, "That is not an admin key.", StatusCodes.Status401Unauthorized);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.Id),
                new Claim(ClaimTypes.Name, key.Name),
                new Claim(ClaimTypes.Role, key.Role.ToString().ToLowerInvariant()),
            ],
            CookieScheme);
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
        // Only local paths: an open redirect would make the form a phishing aid.
        var target = returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/hangfire";
        return Results.Redirect(target);
    }

    private static IResult Form(string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>DockerOps sign-in</title>
            <style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}input{width:100%;padding:.4rem;margin:.4rem 0}</style></head>
            <body><h1>DockerOps jobs</h1><p>Sign in with an admin key.</p>
            {{(error is null ? "" : $"<p role=\"alert\" style=\"color:#b00\">{WebUtility.HtmlEncode(error)}</p>")}}
            <form method="post" action="{{SignInPath}}">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/hangfire")}}">
            <label>Admin key <input type="password" name="key" autocomplete="current-password" required></label>
            <input type="submit" value="Sign in"></form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}

/// <summary>
/// The cookie carries the id of the key that signed in, not a verdict: every dashboard request checks
/// that key again (not revoked, not expired, still admin), so that revoking it or taking admin away ends
/// the session at the next request. Answers are kept for <see cref="CacheFor"/>, because a dashboard
/// page polls several times a second; a revocation takes effect within that time.
/// </summary>
public sealed class DashboardSessionCheck(ApiKeyService keys, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, (Role? Role, DateTimeOffset Until)> _recent = new(StringComparer.Ordinal);

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = keyId is null ? null : await CurrentRoleAsync(keyId, context.HttpContext.RequestAborted);
        if (role is { } current && current.Allows(DashboardSetup.DashboardPermission))
            return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(DashboardSetup.CookieScheme);
    }

    private async Task<Role?> CurrentRoleAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_recent.TryGetValue(keyId, out var known) && known.Until > now)
            return known.Role;
        var role = (await keys.FindActiveAsync(keyId, cancellationToken))?.Role;
        _recent[keyId] = (role, now + CacheFor);
        return role;
    }
}
