using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Docker.DotNet.Models;
using DockerOps.Core.Containers;
using DockerOps.Core.Engines;
using DockerOps.Core.EngineSystem;

namespace DockerOps.Docker;

/// <summary>The system port: info and version, <c>/system/df</c>, the event stream and build-cache pruning.</summary>
internal sealed class DockerSystemEngine(DockerContainerEngine engine, EngineHttp http) : ISystemEngine
{
    // Events are handed over through a bounded buffer so that the engine's 100 ms per-event budget is never spent on a slow client.
    private const int EventBuffer = 1024;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var info = await engine.Calls.RunAsync("system info", engine.CallTimeout, cancellationToken,
            token => engine.Client.System.GetSystemInfoAsync(token)).ConfigureAwait(false);
        var version = await engine.Calls.RunAsync("version", engine.CallTimeout, cancellationToken,
            token => engine.Client.System.GetVersionAsync(token)).ConfigureAwait(false);
        var volumes = await engine.Calls.RunAsync("list volumes", engine.CallTimeout, cancellationToken,
            token => engine.Client.Volumes.ListAsync(token)).ConfigureAwait(false);
        var networks = await engine.Calls.RunAsync("list networks", engine.CallTimeout, cancellationToken,
            token => engine.Client.Networks.ListNetworksAsync(new NetworksListParameters(), token)).ConfigureAwait(false);
        return new EngineInfo(
            engine.Name,
            version.Version,
            version.APIVersion,
            version.MinAPIVersion,
            info.OperatingSystem,
            info.OSType,
            info.Architecture,
            info.KernelVersion,
            info.NCPU,
            info.MemTotal,
            info.Driver,
            new EngineCounts(info.Containers, info.ContainersRunning, info.ContainersPaused, info.ContainersStopped, info.Images,
                volumes.Volumes?.Count ?? 0, networks.Count));
    }

    public Task<DiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("disk usage", engine.Settings.PruneTimeout, cancellationToken, async token =>
        {
            using var document = await http.SendAsync(HttpMethod.Get, "system/df", token).ConfigureAwait(false);
            var root = document.RootElement;
            return new DiskUsage(
                Array(root, "Images").Select(i => new ImageUsage(
                    Text(i, "Id") ?? "",
                    Strings(i, "RepoTags"),
                    Text(i, "ParentId") is { Length: > 0 } parent ? parent : null,
                    DateTimeOffset.FromUnixTimeSeconds(Number(i, "Created")),
                    Number(i, "Size"),
                    Number(i, "SharedSize"),
                    Number(i, "Containers"),
                    Labels(i))).ToList(),
                Array(root, "Containers").Select(c => new ContainerUsage(
                    Text(c, "Id") ?? "",
                    Strings(c, "Names").FirstOrDefault()?.TrimStart('/') ?? "",
                    Text(c, "Image") ?? "",
                    Text(c, "ImageID") ?? "",
                    Mapping.ParseState(Text(c, "State")),
                    DateTimeOffset.FromUnixTimeSeconds(Number(c, "Created")),
                    Number(c, "SizeRw"),
                    Labels(c),
                    Array(c, "Mounts").Where(m => Text(m, "Type") == "volume" && Text(m, "Name") is not null).Select(m => Text(m, "Name")!).ToList())).ToList(),
                Array(root, "Volumes").Select(v => new VolumeUsage(
                    Text(v, "Name") ?? "",
                    Text(v, "Driver") ?? "",
                    Time(Text(v, "CreatedAt")),
                    v.TryGetProperty("UsageData", out var data) && data.ValueKind == JsonValueKind.Object ? Number(data, "Size") : -1,
                    v.TryGetProperty("UsageData", out var refs) && refs.ValueKind == JsonValueKind.Object ? Number(refs, "RefCount") : 0,
                    Labels(v))).ToList(),
                Array(root, "BuildCache").Select(b => new BuildCacheUsage(
                    Text(b, "ID") ?? "",
                    Text(b, "Type") ?? "",
                    Number(b, "Size"),
                    Bool(b, "InUse"),
                    Bool(b, "Shared"),
                    Time(Text(b, "LastUsedAt")))).ToList());
        });

    public async IAsyncEnumerable<EngineEvent> WatchEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(EventBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var parameters = new ContainerEventsParameters { Filters = EngineFilters.Build(("type", query.Types), ("label", query.Labels)) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(async () =>
        {
            try
            {
                // The stream stays open as long as the caller listens: bounded by the caller's token, not a call timeout.
                await engine.Calls.RunAsync("watch events", Timeout.InfiniteTimeSpan, stop.Token,
                    token => engine.Client.System.MonitorEventsAsync(parameters, new Relay(message => channel.Writer.TryWrite(ToEvent(message))), token)).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException)
            {
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var engineEvent in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return engineEvent;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    public Task<(IReadOnlyList<string> Removed, long Bytes)> PruneBuildCacheAsync(DateTimeOffset? until, CancellationToken cancellationToken) =>
        engine.Calls.RunAsync("prune build cache", engine.Settings.PruneTimeout, cancellationToken, async token =>
        {
            var path = "build/prune";
            if (until is { } cutoff)
            {
                // The builder takes "until" as an age, not a point in time.
                var age = DateTimeOffset.UtcNow - cutoff;
                var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["until"] = [$"{Math.Max(0, (long)age.TotalSeconds)}s"] });
                path += "?filters=" + Uri.EscapeDataString(filters);
            }

            using var document = await http.SendAsync(HttpMethod.Post, path, token).ConfigureAwait(false);
            return ((IReadOnlyList<string>)Strings(document.RootElement, "CachesDeleted"), Number(document.RootElement, "SpaceReclaimed"));
        });

    private static EngineEvent ToEvent(Message message)
    {
        var attributes = EngineFilters.ReadOnly(message.Actor?.Attributes);
        var time = message.TimeNano > 0
            ? DateTimeOffset.UnixEpoch.AddTicks(message.TimeNano / 100)
            : DateTimeOffset.FromUnixTimeSeconds(message.Time);
        return new EngineEvent(message.Type ?? "", message.Action ?? message.Status ?? "", message.Actor?.ID ?? message.ID ?? "", attributes, time);
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static List<string> Strings(JsonElement element, string name) =>
        Array(element, name).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : -1;

    private static bool Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static IReadOnlyDictionary<string, string> Labels(JsonElement element) =>
        element.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object
            ? labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : new Dictionary<string, string>();

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1 ? time : null;

    private sealed class Relay(Action<Message> report) : IProgress<Message>
    {
        public void Report(Message value) => report(value);
    }
}
