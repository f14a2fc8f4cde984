namespace DockerOps.Core.Posture;

public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>One thing the guide's security chapter would change about a container, and how.</summary>
public sealed record Finding(string Rule, Severity Severity, string Title, string Detail, string Fix);

public sealed record ContainerPosture(string Id, string Name, string Image, IReadOnlyList<Finding> Findings);

public sealed record SeverityCounts(int Critical, int High, int Medium, int Low)
{
    public static SeverityCounts Of(IEnumerable<Finding> findings)
    {
        var list = findings.ToList();
        return new SeverityCounts(
            list.Count(f => f.Severity == Severity.Critical),
            list.Count(f => f.Severity == Severity.High),
            list.Count(f => f.Severity == Severity.Medium),
            list.Count(f => f.Severity == Severity.Low));
    }
}

public sealed record PostureReport(int ContainersChecked, SeverityCounts Summary, IReadOnlyList<ContainerPosture> Containers);
