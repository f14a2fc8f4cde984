using DockerOps.Api.Setup;

namespace DockerOps.Api.Tests;

/// <summary>Symbolic links resolved the way the kernel resolves them when the engine binds a path.</summary>
public sealed class HostPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dockerops-links-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_path_without_links_resolves_to_itself_with_dots_and_doubled_slashes_collapsed()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a", "b"));

        Assert.Equal(Path.Combine(_root, "a", "b"), HostPaths.FollowLinks($"{_root}//a/./x/../b/"));
    }

    [Fact]
    public void Relative_absolute_and_chained_links_in_the_middle_of_a_path_are_all_followed()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real", "data")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root, "relative"), "real");
        Directory.CreateSymbolicLink(Path.Combine(_root, "absolute"), Path.Combine(_root, "relative"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "up"), "real/data/../..");

        Assert.Equal(real, HostPaths.FollowLinks(Path.Combine(_root, "relative", "data")));
        Assert.Equal(real, HostPaths.FollowLinks(Path.Combine(_root, "absolute", "data")));
        Assert.Equal(_root, HostPaths.FollowLinks(Path.Combine(_root, "up")));
    }

    [Fact]
    public void Parts_that_do_not_exist_are_kept_as_written_after_the_last_link()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "to-etc"), "/etc");

        Assert.Equal("/etc/not-there/deeper", HostPaths.FollowLinks(Path.Combine(_root, "to-etc", "not-there", "deeper")));
    }

    [Fact]
    public void A_link_loop_stops_resolving_and_gives_the_path_back_unchanged()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "ping"), Path.Combine(_root, "pong"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "pong"), Path.Combine(_root, "ping"));
        var looping = Path.Combine(_root, "ping", "x");

        Assert.Equal(looping, HostPaths.FollowLinks(looping));
    }
}
