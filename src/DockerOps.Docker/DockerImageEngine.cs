using Docker.DotNet.Models;
using DockerOps.Core.Engines;
using DockerOps.Core.Images;

namespace DockerOps.Docker;

/// <summary>The image port on Docker.DotNet. Pulls get their own, longer deadline.</summary>
internal sealed class DockerImageEngine(DockerContainerEngine engine) : IImageEngine
{
    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var filters = EngineFilters.Build(
            ("label", query.Labels),
            ("reference", query.Reference is null ? null : [query.Reference]),
            ("dangling", query.Dangling is null ? null : [query.Dangling.Value ? "true" : "false"]));
        var list = await engine.Calls.RunAsync("list images", engine.CallTimeout, cancellationToken,
            token => engine.Client.Images.ListImagesAsync(new ImagesListParameters { All = false, Filters = filters }, token)).ConfigureAwait(false);
        var usage = await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false);
        return list.Select(i =>
        {
            var tags = Tags(i.RepoTags);
            var users = usage.OfImage(i.ID);
            return new ImageSummary(i.ID, tags, i.RepoDigests?.Where(d => d != "<none>@<none>").ToList() ?? [],
                new DateTimeOffset(DateTime.SpecifyKind(i.Created, DateTimeKind.Utc)), i.Size, EngineFilters.ReadOnly(i.Labels),
                tags.Count == 0, users.Count > 0, users);
        }).OrderByDescending(i => i.Created).ToList();
    }

    public async Task<ImageDetails> InspectImageAsync(string reference, CancellationToken cancellationToken)
    {
        var image = await engine.Calls.RunAsync("inspect image", engine.CallTimeout, cancellationToken,
            token => engine.Client.Images.InspectImageAsync(reference, token)).ConfigureAwait(false);
        var users = (await ResourceUsage.LoadAsync(engine, cancellationToken).ConfigureAwait(false)).OfImage(image.ID);
        return new ImageDetails(
            image.ID,
            Tags(image.RepoTags),
            image.RepoDigests?.ToList() ?? [],
            new DateTimeOffset(DateTime.SpecifyKind(image.Created, DateTimeKind.Utc)),
            image.Size,
            image.Architecture ?? "",
            image.Os ?? "",
            string.IsNullOrEmpty(image.Author) ? null : image.Author,
            image.RootFS?.Layers?.ToList() ?? [],
            EngineFilters.ReadOnly(image.Config?.Labels),
            string.IsNullOrEmpty(image.Config?.User) ? null : image.Config.User,
            image.Config?.ExposedPorts?.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
            users.Count > 0,
            users);
    }

    public Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("tag image", engine.CallTimeout, cancellationToken,
            token => engine.Client.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = repository, Tag = tag, Force = true }, token));

    public async Task<IReadOnlyList<ImageRemoval>> RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken)
    {
        var removed = await engine.Calls.RunAsync("remove image", engine.CallTimeout, cancellationToken,
            token => engine.Client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = force }, token)).ConfigureAwait(false);
        return removed.Select(r => new ImageRemoval(r.TryGetValue("Untagged", out var untagged) ? untagged : null, r.TryGetValue("Deleted", out var deleted) ? deleted : null)).ToList();
    }

    public async Task PullImageAsync(string image, string tag, RegistryCredentials? credentials, IProgress<PullProgress> progress, CancellationToken cancellationToken)
    {
        string? failure = null;
        var auth = credentials is null ? new AuthConfig() : new AuthConfig
        {
            ServerAddress = credentials.ServerAddress,
            Username = credentials.Username,
            Password = credentials.Password,
            IdentityToken = credentials.IdentityToken,
        };
        var registry = ImageReferences.RegistryOf(image);
        try
        {
            await engine.Calls.RunAsync("pull image", engine.Settings.PullTimeout, cancellationToken,
                token => engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image, Tag = tag }, auth,
                    new Relay(message =>
                    {
                        var error = message.Error?.Message ?? (string.IsNullOrEmpty(message.ErrorMessage) ? null : message.ErrorMessage);
                        error = error is null ? null : Redacted(error, credentials);
                        failure ??= error;
                        progress.Report(new PullProgress(
                            string.IsNullOrEmpty(message.ID) ? null : message.ID,
                            string.IsNullOrEmpty(message.Status) ? null : message.Status,
                            message.Progress is { Total: > 0 } p ? p.Current : null,
                            message.Progress is { Total: > 0 } q ? q.Total : null,
                            error));
                    }), token)).ConfigureAwait(false);
        }
        catch (EngineFailureException ex) when (ex.InnerException is global::Docker.DotNet.DockerApiException api && IsRefusedLogin(EngineCalls.MessageOf(api)))
        {
            // The engine answers 500 when the registry wants (other) credentials: the request's fault, not the engine's.
            throw new EngineRegistryAuthenticationException(engine.Name, registry, Redacted(EngineCalls.MessageOf(api), credentials), ex);
        }

        // The engine reports a failed pull inside a 200 stream; it is an error all the same.
        if (failure is not null)
        {
            if (IsRefusedLogin(failure))
                throw new EngineRegistryAuthenticationException(engine.Name, registry, Redacted(failure, credentials));
            throw failure.Contains("not found", StringComparison.OrdinalIgnoreCase) || failure.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase)
                ? new EngineNotFoundException(engine.Name, failure)
                : new EngineFailureException(engine.Name, $"The engine '{engine.Name}' could not pull {image}:{tag}: {Redacted(failure, credentials)}");
        }
    }

    /// <summary>How the engine relays a registry's 401/403 (distribution's and Docker Hub's wordings).</summary>
    private static bool IsRefusedLogin(string message) =>
        message.Contains("no basic auth credentials", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("authentication required", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("incorrect username or password", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("access denied", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("denied: requested access", StringComparison.OrdinalIgnoreCase);

    /// <summary>Registries do not echo secrets, but a message is passed on to callers, so make sure of it.</summary>
    private static string Redacted(string message, RegistryCredentials? credentials)
    {
        foreach (var secret in new[] { credentials?.Password, credentials?.IdentityToken })
        {
            if (!string.IsNullOrEmpty(secret))
                message = message.Replace(secret, "***", StringComparison.Ordinal);
        }

        return message;
    }

    private static List<string> Tags(IList<string>? tags) => tags?.Where(t => t != "<none>:<none>").ToList() ?? [];

    /// <summary>A synchronous IProgress: Progress&lt;T&gt; would post to the thread pool and reorder messages.</summary>
    private sealed class Relay(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
