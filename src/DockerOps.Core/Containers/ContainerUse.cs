using DockerOps.Core.Access;

namespace DockerOps.Core.Containers;

/// <summary>A container that uses a volume, network or image. Labels travel along so that scope can be applied.</summary>
public sealed record ContainerUse(string Id, string Name, IReadOnlyDictionary<string, string> Labels);

public static class ContainerUses
{
    public static IReadOnlyList<ContainerUse> VisibleTo(this IReadOnlyList<ContainerUse> uses, Actor actor) =>
        actor.Scope.IsUnrestricted ? uses : uses.Where(u => actor.Scope.Includes(u.Name, u.Labels)).ToList();
}
