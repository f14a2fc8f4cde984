using System.Text.RegularExpressions;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;

namespace DockerOps.Core.Images;

/// <summary>The image use cases: list, inspect, tag, remove and pull. Pruning lives in <see cref="Pruning.PruneService"/>.</summary>
public sealed partial class ImageService(IResourceEngineRegistry engines, ActionGate gate, IRegistryCredentials credentials)
{
    // The distribution reference grammar, simplified: lowercase path components, optional registry host:port.
    [GeneratedRegex(@"^(?:[a-zA-Z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public async Task<Result<IReadOnlyList<ImageSummary>>> ListAsync(Actor actor, ImageQuery query, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.ImagesRead, "image.list", cancellationToken) is { } denied)
            return denied;
        if (LabelSelectors.Validate("label", query.Labels) is { } invalid)
            return invalid;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var images = await e.Images.ListImagesAsync(query, cancellationToken);
            return Outcome.Ok<IReadOnlyList<ImageSummary>>(images.Select(i => i with { UsedBy = i.UsedBy.VisibleTo(actor) }).ToList());
        });
    }

    public async Task<Result<ImageDetails>> GetAsync(Actor actor, string reference, string? engine, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.ImagesRead, "image.inspect", cancellationToken) is { } denied)
            return denied;
        return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
        {
            var image = await e.Images.InspectImageAsync(reference, cancellationToken);
            return Outcome.Ok(image with { UsedBy = image.UsedBy.VisibleTo(actor) });
        });
    }

    public Task<Result<TaggedImage>> TagAsync(Actor actor, string reference, TagImageRequest request, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.ImagesWrite, "image.tag",
            new Dictionary<string, string?> { ["repository"] = request.Repository, ["tag"] = request.Tag }, async audit =>
            {
                if (string.IsNullOrWhiteSpace(request.Repository) || !RepositoryPattern().IsMatch(request.Repository))
                    return Error.Invalid("repository", "repository must be an image name such as 'registry:5000/team/app' (lowercase).");
                var tag = request.Tag ?? "latest";
                if (!TagPattern().IsMatch(tag))
                    return Error.Invalid("tag", "A tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.");
                return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
                {
                    audit.Engine = e.Name;
                    var image = await e.Images.InspectImageAsync(reference, cancellationToken);
                    audit.TargetId = image.Id;
                    audit.TargetName = reference;
                    await e.Images.TagImageAsync(image.Id, request.Repository, tag, cancellationToken);
                    return Outcome.Ok(new TaggedImage(image.Id, $"{request.Repository}:{tag}"));
                });
            }, cancellationToken);

    public Task<Result<IReadOnlyList<ImageRemoval>>> RemoveAsync(Actor actor, string reference, bool force, string? engine, CancellationToken cancellationToken) =>
        gate.RunAsync(actor, Permission.ImagesWrite, "image.remove", new Dictionary<string, string?> { ["force"] = force.ToString() }, audit =>
            EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = reference;
                var image = await e.Images.InspectImageAsync(reference, cancellationToken);
                audit.TargetId = image.Id;
                if (image.InUse && !force)
                {
                    var visible = image.UsedBy.VisibleTo(actor).Select(u => $"'{u.Name}'").ToList();
                    if (image.UsedBy.Count > visible.Count)
                        visible.Add($"{image.UsedBy.Count - visible.Count} container(s) outside your scope");
                    return Error.Conflict($"Image '{reference}' is used by {string.Join(", ", visible)}; remove those first or pass force=true.");
                }

                return Outcome.Ok(await e.Images.RemoveImageAsync(reference, force, cancellationToken));
            }),
            cancellationToken);

    /// <summary>
    /// Pulls an image with the configured credentials for its registry, reporting progress as it goes.
    /// The audit record is written when the pull has finished, with its real outcome.
    /// </summary>
    public Task<Result<PullResult>> PullAsync(Actor actor, PullImageRequest request, IProgress<PullProgress> progress, string? engine, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?> { ["image"] = request.Image, ["tag"] = request.Tag };
        return gate.RunAsync(actor, Permission.ImagesWrite, "image.pull", parameters, async audit =>
        {
            if (string.IsNullOrWhiteSpace(request.Image))
                return Error.Invalid("image", "Name the image to pull, such as 'registry.example.com/team/app'.");
            var (repository, tagInName, digest) = ImageReferences.Split(request.Image.Trim());
            if (digest is not null)
                return Error.Invalid("image", "Pull by tag; digests are not supported here.");
            if (!RepositoryPattern().IsMatch(repository))
                return Error.Invalid("image", $"'{request.Image}' is not an image name (lowercase, such as 'registry:5000/team/app').");
            if (tagInName is not null && request.Tag is not null && tagInName != request.Tag)
                return Error.Invalid("tag", $"The image names tag '{tagInName}' and tag says '{request.Tag}'; give one.");
            var tag = request.Tag ?? tagInName ?? "latest";
            if (!TagPattern().IsMatch(tag))
                return Error.Invalid("tag", "A tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.");

            return await EngineOutcomes.WithEngineAsync(engines, engine, async e =>
            {
                audit.Engine = e.Name;
                audit.TargetName = $"{repository}:{tag}";
                var registry = ImageReferences.RegistryOf(repository);
                var login = credentials.For(registry);
                try
                {
                    await e.Images.PullImageAsync(repository, tag, login, progress, cancellationToken);
                }
                catch (EngineRegistryAuthenticationException refused)
                {
                    return RegistryRefused(refused, $"{repository}:{tag}", login);
                }

                var image = await e.Images.InspectImageAsync($"{repository}:{tag}", cancellationToken);
                audit.TargetId = image.Id;
                return Outcome.Ok(new PullResult($"{repository}:{tag}", image.Id, image.Tags, image.Digests));
            });
        }, cancellationToken);
    }

    /// <summary>
    /// A registry's refusal as the caller can act on it: which registry, and whether credentials are
    /// missing or were rejected. Never a 5xx: nothing is wrong with the engine or with DockerOps.
    /// </summary>
    private static Error RegistryRefused(EngineRegistryAuthenticationException refused, string reference, RegistryCredentials? login)
    {
        var what = login is null
            ? $"The registry '{refused.Registry}' requires credentials to pull '{reference}' and none are configured for it: " +
              $"add a Registries entry with Server '{refused.Registry}' and a Username and Password (or an IdentityToken)."
            : $"The registry '{refused.Registry}' refused the configured credentials{(login.Username is null ? "" : $" of user '{login.Username}'")} " +
              $"for '{reference}': check the Registries entry for '{refused.Registry}'.";
        return new Error(ErrorKind.Forbidden, "Registry refused the pull", $"{what} The registry said: {refused.Message}");
    }
}
