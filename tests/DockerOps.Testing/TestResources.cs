using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockerOps.Testing;

/// <summary>Volumes, networks and images a test run creates: all labelled with the run's label, and removed by it.</summary>
public static class TestResources
{
    public static string RunLabel => $"{TestEngine.Label}={TestEngine.RunId}";

    /// <summary>
    /// Imports a one-file image carrying the run's label (and <paramref name="extraLabels"/>); untagged (dangling)
    /// when <paramref name="repository"/> is null. Returns its ID.
    /// </summary>
    public static async Task<string> ImportImageAsync(string? repository = null, string tag = "1", IEnumerable<string>? extraLabels = null)
    {
        using var client = TestEngine.CreateClient();
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "marker")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())),
            });
        }

        tar.Position = 0;
        var changes = new List<string> { $"LABEL {TestEngine.Label}={TestEngine.RunId}" };
        changes.AddRange((extraLabels ?? []).Select(l => $"LABEL {l}"));
        string? id = null;
        await client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = repository ?? "", Tag = repository is null ? "" : tag, Changes = changes },
            tar, null, new SyncProgress(m => id ??= ImportedId(m)));
        return id ?? throw new InvalidOperationException("The engine did not report the imported image's ID.");
    }

    /// <summary>Removes this run's containers, then its networks, volumes and images, whatever state they are in.</summary>
    public static async Task RemoveRunObjectsAsync()
    {
        await TestEngine.RemoveRunResourcesAsync();
        using var client = TestEngine.CreateClient();
        var byLabel = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [RunLabel] = true } };

        foreach (var network in await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = byLabel }))
            await Quietly(() => client.Networks.DeleteNetworkAsync(network.ID));
        foreach (var volume in (await client.Volumes.ListAsync(new VolumesListParameters { Filters = byLabel })).Volumes ?? [])
            await Quietly(() => client.Volumes.RemoveAsync(volume.Name, force: true));
        foreach (var image in await client.Images.ListImagesAsync(new ImagesListParameters { All = true, Filters = byLabel }))
            await Quietly(() => client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }));
    }

    private static string? ImportedId(JSONMessage message) =>
        message.Status is { } status && status.StartsWith("sha256:", StringComparison.Ordinal) ? status : null;

    private static async Task Quietly(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (DockerApiException)
        {
            // Already gone, or removed by the test itself.
        }
    }

    private sealed class SyncProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
