using DockerOps.Core.Access;

namespace DockerOps.Api.Setup;

/// <summary>Turns a request into the <see cref="Actor"/> the application layer acts for.</summary>
public static class Actors
{
    // Until API keys exist every REST caller is one unrestricted actor; this is the one place that changes.
    private static readonly Actor Anonymous = new("anonymous", "anonymous", Channel.Rest, Role.Admin, AccessScope.Unrestricted);

    public static Actor GetActor(this HttpContext context) => Anonymous;
}
