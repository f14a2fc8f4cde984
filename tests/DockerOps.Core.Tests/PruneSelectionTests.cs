using DockerOps.Core.Access;
using DockerOps.Core.Containers;
using DockerOps.Core.EngineSystem;
using DockerOps.Core.Networks;
using DockerOps.Core.Pruning;

namespace DockerOps.Core.Tests;

public sealed class PruneSelectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Anonymous = new('a', 64);

    private static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    private static ContainerUsage Container(string id, ContainerState state, string image = "sha256:img", IReadOnlyList<string>? volumes = null, int ageHours = 48, params string[] labels) =>
        new(id, "c-" + id, "app:1", image, state, Now.AddHours(-ageHours), 100, Labels(labels), volumes ?? []);

    private static DiskUsage Usage(IReadOnlyList<ContainerUsage>? containers = null, IReadOnlyList<VolumeUsage>? volumes = null, IReadOnlyList<ImageUsage>? images = null) =>
        new(images ?? [], containers ?? [], volumes ?? [], []);

    private static PruneFilter Filter(string? until = null, string[]? labels = null, string[]? excluded = null) =>
        PruneFilter.From(new PruneRequest(true, until, labels, excluded), Now).Value;

    [Fact]
    public void Only_stopped_containers_are_pruned_and_the_keep_label_is_never_taken()
    {
        var usage = Usage([
            Container("run", ContainerState.Running),
            Container("paused", ContainerState.Paused),
            Container("exited", ContainerState.Exited),
            Container("created", ContainerState.Created),
            Container("kept", ContainerState.Exited, labels: "dockerops.keep=true"),
        ]);

        var items = PruneSelection.Containers(usage, PruneFilter.None, AccessScope.Unrestricted);

        Assert.Equal(new[] { "created", "exited" }, items.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal(100, i.SizeBytes));
    }

    [Fact]
    public void Each_excluded_label_excludes_on_its_own_unlike_the_engines_label_bang_filter()
    {
        var usage = Usage([
            Container("a", ContainerState.Exited, labels: ["team=web"]),
            Container("b", ContainerState.Exited, labels: ["tier=db"]),
            Container("c", ContainerState.Exited, labels: ["team=web", "dockerops.keep=true"]),
            Container("d", ContainerState.Exited),
        ]);

        var items = PruneSelection.Containers(usage, Filter(excluded: ["team=web", "tier"]), AccessScope.Unrestricted);

        Assert.Equal("d", Assert.Single(items).Id);
    }

    [Fact]
    public void Until_and_label_filters_narrow_the_selection()
    {
        var usage = Usage([
            Container("old", ContainerState.Exited, ageHours: 48, labels: "team=web"),
            Container("new", ContainerState.Exited, ageHours: 1, labels: "team=web"),
            Container("other", ContainerState.Exited, ageHours: 48, labels: "team=api"),
        ]);

        var items = PruneSelection.Containers(usage, Filter(until: "24h", labels: ["team=web"]), AccessScope.Unrestricted);

        Assert.Equal("old", Assert.Single(items).Id);
    }

    [Fact]
    public void A_scoped_actor_prunes_only_containers_in_its_scope()
    {
        var usage = Usage([Container("mine", ContainerState.Exited, labels: "team=payments"), Container("theirs", ContainerState.Exited, labels: "team=web")]);

        var items = PruneSelection.Containers(usage, PruneFilter.None, new AccessScope([], ["team=payments"], []));

        Assert.Equal("mine", Assert.Single(items).Id);
    }

    [Fact]
    public void A_volume_prune_takes_only_unused_anonymous_volumes_unless_all()
    {
        var usage = Usage(
            [Container("run", ContainerState.Running, volumes: ["used"])],
            [
                new VolumeUsage(Anonymous, "local", Now.AddDays(-1), 10, 0, Labels()),
                new VolumeUsage("named", "local", Now.AddDays(-1), 20, 0, Labels()),
                new VolumeUsage("used", "local", Now.AddDays(-1), 30, 1, Labels()),
                new VolumeUsage(new string('b', 64), "local", Now.AddDays(-1), 40, 0, Labels("dockerops.keep=true")),
            ]);

        var anonymousOnly = PruneSelection.Volumes(usage, PruneFilter.None, includeNamed: false, new HashSet<string>());
        var all = PruneSelection.Volumes(usage, PruneFilter.None, includeNamed: true, new HashSet<string>());

        Assert.Equal(Anonymous, Assert.Single(anonymousOnly).Id);
        Assert.Equal(new[] { Anonymous, "named" }, all.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(30, all.Sum(i => i.SizeBytes));
    }

    [Fact]
    public void In_a_system_prune_images_and_volumes_used_only_by_pruned_containers_go_too()
    {
        var usage = Usage(
            [Container("stopped", ContainerState.Exited, image: "sha256:old", volumes: [Anonymous]), Container("run", ContainerState.Running, image: "sha256:live")],
            [new VolumeUsage(Anonymous, "local", null, 5, 1, Labels())],
            [
                new ImageUsage("sha256:old", ["app:old"], null, Now.AddDays(-3), 1000, 0, 1, Labels()),
                new ImageUsage("sha256:live", ["app:live"], null, Now.AddDays(-3), 2000, 0, 1, Labels()),
                new ImageUsage("sha256:dangling", [], null, Now.AddDays(-3), 300, 0, 0, Labels()),
            ]);
        var removed = PruneSelection.Containers(usage, PruneFilter.None, AccessScope.Unrestricted).Select(i => i.Id).ToHashSet();

        var dangling = PruneSelection.Images(usage, PruneFilter.None, all: false, removed);
        var unused = PruneSelection.Images(usage, PruneFilter.None, all: true, removed);
        var volumes = PruneSelection.Volumes(usage, PruneFilter.None, includeNamed: false, removed);

        Assert.Equal("sha256:dangling", Assert.Single(dangling).Id);
        Assert.Equal(new[] { "sha256:dangling", "sha256:old" }, unused.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Anonymous, Assert.Single(volumes).Id);
        Assert.Empty(PruneSelection.Volumes(usage, PruneFilter.None, includeNamed: false, new HashSet<string>()));
    }

    [Fact]
    public void Predefined_and_attached_networks_are_never_pruned()
    {
        NetworkInfo Network(string name, bool predefined, int attached, params string[] labels) =>
            new("id-" + name, name, "bridge", "local", false, false, false, false, Now.AddDays(-1), [], new Dictionary<string, string>(), Labels(labels), predefined, attached, []);

        var items = PruneSelection.Networks(
            [Network("bridge", true, 0), Network("busy", false, 1), Network("idle", false, 0), Network("kept", false, 0, "dockerops.keep=true")],
            PruneFilter.None);

        Assert.Equal("idle", Assert.Single(items).Name);
    }

    [Theory]
    [InlineData("label", "=bad")]
    [InlineData("until", "yesterday")]
    public void Malformed_filters_are_refused_naming_the_field(string field, string value)
    {
        var request = field == "label" ? new PruneRequest(true, Labels: [value]) : new PruneRequest(true, Until: value);

        var filter = PruneFilter.From(request, Now);

        Assert.False(filter.IsOk);
        Assert.Equal(field, filter.Error!.Field);
    }

    [Fact]
    public void A_second_prune_of_the_same_kind_cannot_start_while_the_first_runs_and_a_system_prune_blocks_every_kind_it_covers()
    {
        var locks = new PruneLocks();

        Assert.True(locks.TryEnter([PruneKind.Volumes], out var volumes, out _));
        Assert.False(locks.TryEnter([PruneKind.Volumes], out _, out var busy));
        Assert.Equal(PruneKind.Volumes, busy);
        Assert.True(locks.TryEnter([PruneKind.Images], out var images, out _));
        Assert.False(locks.TryEnter(PruneService.SystemKinds, out _, out var systemBusy));
        Assert.Equal(PruneKind.Images, systemBusy);

        images!.Dispose();
        Assert.True(locks.TryEnter(PruneService.SystemKinds, out var system, out _));
        Assert.False(locks.TryEnter([PruneKind.Containers], out _, out _));
        system!.Dispose();
        volumes!.Dispose();
        Assert.True(locks.TryEnter([.. PruneService.SystemKinds, PruneKind.Volumes], out var everything, out _));
        everything!.Dispose();
    }
}
