using DockerOps.Core.Common;
using DockerOps.Core.Containers;

namespace DockerOps.Core.Tests;

public sealed class ContainerReferencesTests
{
    private static ContainerSummary Container(string id, string name, string? project = null, string? service = null) =>
        new(id, name, "busybox", ContainerState.Running, "Up", HealthStatus.None, new Dictionary<string, string>(),
            DateTimeOffset.UnixEpoch, [], project, service);

    private static readonly IReadOnlyList<ContainerSummary> Containers =
    [
        Container("abc123aaaa", "web"),
        Container("abc456bbbb", "shop-api-1", "shop", "api"),
        Container("def789cccc", "blog-api-1", "blog", "api"),
        Container("fed000dddd", "shop-db-1", "shop", "db"),
        Container("0123456789", "api"),
    ];

    [Theory]
    [InlineData("web", "web")]
    [InlineData("/web", "web")]
    [InlineData("api", "api")]
    [InlineData("shop/api", "shop-api-1")]
    [InlineData("db", "shop-db-1")]
    [InlineData("def", "blog-api-1")]
    [InlineData("abc123aaaa", "web")]
    public void A_reference_resolves_to_exactly_one_container(string reference, string expected)
    {
        var result = ContainerReferences.Resolve(reference, Containers);
        Assert.True(result.IsOk, result.Error?.Detail);
        Assert.Equal(expected, result.Value.Name);
    }

    [Fact]
    public void An_exact_name_wins_over_a_compose_service_of_the_same_name()
    {
        Assert.Equal("0123456789", ContainerReferences.Resolve("api", Containers).Value.Id);
    }

    [Fact]
    public void A_service_in_two_projects_is_ambiguous_and_lists_the_candidates()
    {
        var withoutExactName = Containers.Where(c => c.Name != "api").ToList();

        var result = ContainerReferences.Resolve("api", withoutExactName);

        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Equal(["blog-api-1", "shop-api-1"], result.Error.Candidates);
    }

    [Fact]
    public void An_id_prefix_shared_by_two_containers_is_ambiguous()
    {
        var result = ContainerReferences.Resolve("abc", Containers);

        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Equal(["shop-api-1", "web"], result.Error.Candidates);
    }

    [Theory]
    [InlineData("nothing")]
    [InlineData("ab")]
    [InlineData("shop/web")]
    public void A_reference_that_matches_nothing_is_not_found(string reference) =>
        Assert.Equal(ErrorKind.NotFound, ContainerReferences.Resolve(reference, Containers).Error!.Kind);
}
