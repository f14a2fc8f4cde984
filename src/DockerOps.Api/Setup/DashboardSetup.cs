using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace DockerOps.Api.Setup;

/// <summary>The authorization policies, defined in one place so that API keys can point at them.</summary>
public static class Policies
{
    /// <summary>Admins only: the Hangfire dashboard can rerun and delete jobs.</summary>
    public const string Admin = "dockerops-admin";

    public const string AdminRole = "admin";
}

/// <summary>Decides whether a key typed into the sign-in form is an admin key.</summary>
public interface IAdminKeyCheck
{
    Task<(bool IsAdmin, string Name)> CheckAsync(string key, CancellationToken cancellationToken);
}

/// <summary>
/// Until API keys are stored, the admin key comes from configuration (<c>Dashboard:AdminKey</c>);
/// with none configured nobody can sign in. Compared in fixed time.
/// </summary>
internal sealed class ConfiguredAdminKeyCheck(IConfiguration configuration) : IAdminKeyCheck
{
    public Task<(bool IsAdmin, string Name)> CheckAsync(string key, CancellationToken cancellationToken)
    {
        var expected = configuration["Dashboard:AdminKey"];
        var ok = !string.IsNullOrEmpty(expected) && !string.IsNullOrEmpty(key)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        return Task.FromResult((ok, "admin"));
    }
}

/// <summary>The Hangfire dashboard at <c>/hangfire</c>, for admins who sign in with their key through a small form.</summary>
public static class DashboardSetup
{
    public const string CookieScheme = "dockerops-dashboard";
    public const string SignInPath = "/sign-in";

    public static IServiceCollection AddDashboardSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(CookieScheme, options =>
        {
            options.LoginPath = SignInPath;
            options.Cookie.Name = "dockerops-dashboard";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policies.Admin, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireAuthenticatedUser()
            .RequireRole(Policies.AdminRole));
        services.AddSingleton<IAdminKeyCheck, ConfiguredAdminKeyCheck>();
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, "/hangfire",
            new DashboardOptions { DashboardTitle = "DockerOps jobs", AppPath = "/swagger", Authorization = [] },
            app.Services.GetRequiredService<JobStorage>());
        app.MapGet(SignInPath, (string? ReturnUrl) => Form(ReturnUrl, null)).ExcludeFromDescription();
        app.MapPost(SignInPath, SignIn).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext http, IAdminKeyCheck keys, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = form["returnUrl"].ToString();
        var (isAdmin, name) = await keys.CheckAsync(form["key"].ToString(), cancellationToken);
        if (!isAdmin)
            return Form(returnUrl, "That is not an admin key.", StatusCodes.Status401Unauthorized);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, Policies.AdminRole)], CookieScheme);
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
