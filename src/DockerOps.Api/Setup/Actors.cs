using DockerOps.Core.Access;

namespace DockerOps.Api.Setup;

/// <summary>Turns a request into the <see cref="Actor"/> the application layer acts for.</summary>
public static class Actors
{
    private static readonly Actor Anonymous = new("anonymous", "anonymous", Channel.Rest);

    // Until API keys exist every REST caller is the same anonymous actor; this is the one place that changes.
    public static Actor GetActor(this HttpContext context) => Anonymous;
}
