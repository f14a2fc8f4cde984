using System.Security.Claims;
using System.Text.Json;
using DockerOps.Core.Access;

namespace DockerOps.Api.Setup;

/// <summary>Turns an authenticated request into the <see cref="Actor"/> the application layer acts for.</summary>
public static class Actors
{
    public static Actor GetActor(this HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(Actor), out var cached) && cached is Actor actor)
            return actor;

        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || user.GetRole() is not { } role)
            throw new InvalidOperationException("No authenticated caller: every endpoint that acts declares a permission, so this is a wiring error.");
        var scope = user.FindFirstValue(Authentication.ScopeClaim) is { } json
            ? JsonSerializer.Deserialize<AccessScope>(json) ?? AccessScope.Unrestricted
            : AccessScope.Unrestricted;
        return new Actor(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.FindFirstValue(ClaimTypes.Name)!, Channel.Rest, role, scope);
    }
}
