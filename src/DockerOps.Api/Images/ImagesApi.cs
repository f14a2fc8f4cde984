using System.ComponentModel;
using System.Text.Json;
using DockerOps.Api.Setup;
using DockerOps.Core.Access;
using DockerOps.Core.Images;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Images;

/// <summary>Images under <c>/api/v1/images</c>. Their prune is in <see cref="Pruning.PruneApi"/>.</summary>
public static class ImagesApi
{
    private const string RefDescription = "An image reference (name:tag, URL-encoded when it holds '/'), an ID or a unique ID prefix.";

    public static RouteGroupBuilder MapImages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/images").WithTags("Images");
        group.MapGet("", List).WithName("ListImages").RequirePermission(Permission.ImagesRead).WithSummary("List images with the containers using each, filtered by dangling, reference or label.");
        group.MapGet("/{ref}", Get).WithName("GetImage").RequirePermission(Permission.ImagesRead).WithSummary("One image: layers, size, tags, digests and the containers using it.");
        group.MapPost("/{ref}/tag", Tag).WithName("TagImage").RequirePermission(Permission.ImagesWrite).WithSummary("Add a tag to an image (docker tag).");
        group.MapDelete("/{ref}", Remove).WithName("RemoveImage").RequirePermission(Permission.ImagesWrite).WithSummary("Remove an image or one of its tags; 409 when containers use it, unless force.");
        group.MapPost("/pull", Pull).WithName("PullImage").RequirePermission(Permission.ImagesWrite)
            .WithSummary("Pull an image with the configured registry credentials, streaming progress as NDJSON; the last line says how it ended.")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
        group.ProducesEngineProblems();
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ImageSummary>>, ProblemHttpResult>> List(
        HttpContext http, ImageService images,
        [Description("true: only untagged images; false: only tagged ones.")] bool? dangling,
        [Description("A name pattern such as 'busybox' or '127.0.0.1:5000/*'.")] string? reference,
        [Description("Label filter, 'key' or 'key=value'; repeat for several (all must match).")][FromQuery(Name = "label")] string[]? label,
        CancellationToken cancellationToken) =>
        (await images.ListAsync(http.GetActor(), new ImageQuery(dangling, reference, label), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<ImageDetails>, ProblemHttpResult>> Get(
        HttpContext http, ImageService images, [Description(RefDescription)] string @ref, CancellationToken cancellationToken) =>
        (await images.GetAsync(http.GetActor(), Uri.UnescapeDataString(@ref), engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<TaggedImage>, ProblemHttpResult>> Tag(
        HttpContext http, ImageService images, [Description(RefDescription)] string @ref, TagImageRequest request, CancellationToken cancellationToken) =>
        (await images.TagAsync(http.GetActor(), Uri.UnescapeDataString(@ref), request, engine: null, cancellationToken)).Respond();

    public static async Task<Results<Ok<IReadOnlyList<ImageRemoval>>, ProblemHttpResult>> Remove(
        HttpContext http, ImageService images, [Description(RefDescription)] string @ref,
        [Description("Remove even when containers use it or it has several tags.")] bool? force,
        CancellationToken cancellationToken) =>
        (await images.RemoveAsync(http.GetActor(), Uri.UnescapeDataString(@ref), force ?? false, engine: null, cancellationToken)).Respond();

    public static PullStream Pull(HttpContext http, ImageService images, PullImageRequest request) => new(images, http.GetActor(), request);
}

/// <summary>
/// Streams a pull's progress as NDJSON lines (<c>{"type":"progress",...}</c>), ending with a
/// <c>done</c> or <c>error</c> line. A refusal before anything was pulled is an ordinary problem response.
/// </summary>
public sealed class PullStream(ImageService images, Actor actor, PullImageRequest request) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var aborted = http.RequestAborted;
        var progress = System.Threading.Channels.Channel.CreateUnbounded<PullProgress>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        var pull = Task.Run(async () =>
        {
            try
            {
                return await images.PullAsync(actor, request, new Relay(p => progress.Writer.TryWrite(p)), engine: null, aborted);
            }
            finally
            {
                progress.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var started = false;
        async Task WriteAsync(object line)
        {
            if (!started)
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "application/x-ndjson";
                http.Response.Headers.CacheControl = "no-store";
                started = true;
            }

            await JsonSerializer.SerializeAsync(http.Response.Body, line, json, aborted);
            await http.Response.Body.WriteAsync("\n"u8.ToArray(), aborted);
            await http.Response.Body.FlushAsync(aborted);
        }

        await foreach (var message in progress.Reader.ReadAllAsync(aborted))
            await WriteAsync(new { type = "progress", message.Layer, message.Status, message.Current, message.Total, message.Error });

        Core.Common.Result<PullResult> result;
        try
        {
            result = await pull;
        }
        catch (Exception ex) when (started && ex is not OperationCanceledException)
        {
            // Headers are gone already: the failure can only be the stream's last line.
            await WriteAsync(new { type = "error", status = StatusCodes.Status502BadGateway, detail = ex.Message });
            return;
        }

        if (!result.IsOk)
        {
            if (!started)
            {
                await result.Error!.ToProblem().ExecuteAsync(http);
                return;
            }

            await WriteAsync(new { type = "error", status = result.Error!.StatusCode(), detail = result.Error!.Detail });
            return;
        }

        await WriteAsync(new { type = "done", result.Value.Reference, result.Value.Id, result.Value.Tags, result.Value.Digests });
    }

    private sealed class Relay(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
