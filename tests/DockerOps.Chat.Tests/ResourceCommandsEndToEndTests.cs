using Docker.DotNet.Models;
using DockerOps.Core.Access;
using DockerOps.Testing;

namespace DockerOps.Chat.Tests;

/// <summary>
/// volumes, networks, images, df, posture and prune over Slack against the real engine. Prunes are
/// always filtered by this run's label and a label unique to the test: the engine is shared.
/// </summary>
[Collection(nameof(ChatAppCollection))]
public sealed class ResourceCommandsEndToEndTests(ChatApp app) : IAsyncLifetime
{
    private const string TestKey = "dockerops.chattest";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestEngine.RemoveRunResourcesAsync();

    [Fact]
    public async Task Volumes_and_networks_list_the_labelled_ones_with_their_users()
    {
        var name = ChatApp.UniqueName("chat-vol");
        using var client = TestEngine.CreateClient();
        await client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = Labels(name) });
        var network = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Labels = Labels(name) });
        try
        {
            var (volumesResponse, _) = await app.SlashAsync("UOPERATOR", $"volumes --label {TestKey}={name}");
            var volumes = await volumesResponse.Content.ReadAsStringAsync();
            Assert.Contains("1 volume(s), 1 unused", volumes);
            Assert.Contains(name, volumes);

            var (networksResponse, _) = await app.SlashAsync("UOPERATOR", $"networks --label {TestKey}={name}");
            var networks = await networksResponse.Content.ReadAsStringAsync();
            Assert.Contains("1 network(s)", networks);
            Assert.Contains(name, networks);
            Assert.Contains("bridge", networks);
        }
        finally
        {
            await client.Volumes.RemoveAsync(name, force: true);
            await client.Networks.DeleteNetworkAsync(network.ID);
        }
    }

    [Fact]
    public async Task Images_and_df_answer_with_sizes()
    {
        var (imagesResponse, imagesPath) = await app.SlashAsync("UOPERATOR", "images");
        Assert.Contains("Working on `images`", await imagesResponse.Content.ReadAsStringAsync());
        var images = (await app.WaitForPostsAsync(imagesPath, 1))[0].ToJsonString();
        Assert.Matches(@"\d+ image\(s\), [\d.]+ (B|KiB|MiB|GiB), \d+ dangling", images);

        var (_, dfPath) = await app.SlashAsync("UOPERATOR", "df");
        var df = (await app.WaitForPostsAsync(dfPath, 1))[0].ToJsonString();
        Assert.Matches(@"used, [\d.]+ (B|KiB|MiB|GiB) reclaimable", df);
        Assert.Contains("RECLAIMABLE", df);
        Assert.Contains("volumes", df);
    }

    [Fact]
    public async Task Posture_of_one_container_lists_findings_with_severity_and_fix()
    {
        var name = ChatApp.UniqueName("chat-posture");
        await app.CreateContainerAsync(name);

        var (_, path) = await app.SlashAsync("UOPERATOR", $"posture {name}");

        var reply = (await app.WaitForPostsAsync(path, 1))[0];
        Assert.StartsWith($"`{name}`: ", (string?)reply["text"]);
        Assert.Contains("Fix: ", reply.ToJsonString());

        var (_, allPath) = await app.SlashAsync("UOPERATOR", "posture");
        Assert.Matches(@"\d+ running container\(s\) checked: \d+ critical, \d+ high, \d+ medium, \d+ low", (string?)(await app.WaitForPostsAsync(allPath, 1))[0]["text"]);
    }

    [Fact]
    public async Task Prune_dry_run_only_previews_and_the_confirmed_prune_removes_what_the_preview_showed()
    {
        var name = ChatApp.UniqueName("chat-prune");
        using var client = TestEngine.CreateClient();
        var network = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Labels = Labels(name) });
        var filter = $"--label {TestEngine.Label}={TestEngine.RunId} --label {TestKey}={name}";
        try
        {
            var (_, dryPath) = await app.SlashAsync("UADMIN", $"prune networks --dry-run {filter}");
            var dry = (await app.WaitForPostsAsync(dryPath, 1))[0];
            Assert.Equal("Prune networks: 1 item(s), 0 B reclaimable?", (string?)dry["text"]);
            Assert.Contains(name, dry.ToJsonString());
            Assert.DoesNotContain("actions", dry.ToJsonString());
            Assert.Single(await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(name) }));

            var (_, promptPath) = await app.SlashAsync("UADMIN", $"prune networks {filter}");
            var prompt = (await app.WaitForPostsAsync(promptPath, 1))[0];
            Assert.Equal("Prune networks: 1 item(s), 0 B reclaimable?", (string?)prompt["text"]);
            var buttons = prompt["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
            var confirm = (string)buttons.Single(b => (string?)b!["text"]!["text"] == "Confirm")!["action_id"]!;

            var (_, otherPath) = await app.ClickAsync("UADMIN2", confirm);
            Assert.Equal("Only <@UADMIN> can confirm or cancel this.", (string?)(await app.WaitForPostsAsync(otherPath, 1))[0]["text"]);
            Assert.Single(await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(name) }));

            var (_, ownPath) = await app.ClickAsync("UADMIN", confirm);
            var done = (await app.WaitForPostsAsync(ownPath, 2))[1];
            Assert.Equal("<@UADMIN> pruned networks: 1 removed, 0 B reclaimed", (string?)done["text"]);
            Assert.Contains(name, done.ToJsonString());
            Assert.Empty(await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(name) }));
            Assert.Contains(await app.AuditRecordsAsync(), r => r.Action == "networks.prune" && r.ActorId == "slack:UADMIN" && r.Channel == Channel.Slack);

            var (_, againPath) = await app.ClickAsync("UADMIN", confirm);
            Assert.Equal("This confirmation was already used or cancelled.", (string?)(await app.WaitForPostsAsync(againPath, 1))[0]["text"]);
        }
        finally
        {
            if ((await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(name) })).Count > 0)
                await client.Networks.DeleteNetworkAsync(network.ID);
        }
    }

    [Fact]
    public async Task Prune_of_containers_removes_only_the_stopped_labelled_one()
    {
        var stopped = ChatApp.UniqueName("chat-prune-c");
        await app.CreateContainerAsync(stopped, start: false);
        var running = ChatApp.UniqueName("chat-prune-r");
        await app.CreateContainerAsync(running);
        var filter = $"--label {TestEngine.Label}={TestEngine.RunId}";

        var (_, promptPath) = await app.SlashAsync("UADMIN", $"prune containers {filter}");
        var prompt = (await app.WaitForPostsAsync(promptPath, 1))[0];
        Assert.Contains(stopped, prompt.ToJsonString());
        Assert.DoesNotContain(running, prompt.ToJsonString());
        var confirm = (string)prompt["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray()
            .Single(b => (string?)b!["text"]!["text"] == "Confirm")!["action_id"]!;

        var (_, ownPath) = await app.ClickAsync("UADMIN", confirm);
        var done = (await app.WaitForPostsAsync(ownPath, 2))[1];
        Assert.StartsWith("<@UADMIN> pruned containers: ", (string?)done["text"]);
        Assert.Null(await app.InspectAsync(stopped));
        Assert.NotNull(await app.InspectAsync(running));
    }

    private static Dictionary<string, string> Labels(string name) => new() { [TestEngine.Label] = TestEngine.RunId, [TestKey] = name };

    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(string name) =>
        new() { ["label"] = new Dictionary<string, bool> { [$"{TestKey}={name}"] = true } };
}
