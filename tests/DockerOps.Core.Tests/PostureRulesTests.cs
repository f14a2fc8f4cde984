using DockerOps.Core.Containers;
using DockerOps.Core.Posture;

namespace DockerOps.Core.Tests;

public sealed class PostureRulesTests
{
    /// <summary>The guide's runtime options: non-root, cap_drop ALL, read-only, no-new-privileges, limits, a health check, a pinned tag.</summary>
    internal static ContainerDetails Hardened(
        string image = "secure-image:1.4.2",
        string? user = "1001:1001",
        bool privileged = false,
        bool readOnly = true,
        bool noNewPrivileges = true,
        IReadOnlyList<string>? capAdd = null,
        IReadOnlyList<string>? capDrop = null,
        string? networkMode = "app-net",
        string? pidMode = null,
        long? memory = 256L << 20,
        double? cpus = 0.5,
        long? pids = 100,
        bool healthcheck = true,
        IReadOnlyList<MountInfo>? mounts = null) =>
        new(
            "0123456789ab", "app", image, "sha256:abc", DateTimeOffset.UnixEpoch,
            new ContainerConfig(image, ["serve"], [], [], null, false, null, 0),
            new StateDetails(ContainerState.Running, true, false, false, false, false, 42, 0, null, null, null),
            new HealthReport(HealthStatus.Healthy, 0, [],
                healthcheck ? new HealthCheckSpec(["CMD-SHELL", "wget -q -O- localhost || exit 1"], TimeSpan.FromSeconds(10), null, 3, null) : null),
            0,
            new Dictionary<string, string>(),
            [],
            mounts ?? [new MountInfo("tmpfs", null, null, "/tmp", false, null)],
            [],
            new ResourceLimits(memory, cpus, pids),
            new SecurityOptions(user, privileged, readOnly, noNewPrivileges, capAdd ?? ["NET_BIND_SERVICE"], capDrop ?? ["ALL"],
                noNewPrivileges ? ["no-new-privileges"] : [], networkMode, pidMode, null),
            null,
            null);

    private static IReadOnlyList<string> Rules(ContainerDetails container) => PostureRules.Evaluate(container).Select(f => f.Rule).ToList();

    [Fact]
    public void A_container_run_with_the_guides_runtime_options_has_no_findings()
    {
        Assert.Empty(PostureRules.Evaluate(Hardened()));
    }

    [Fact]
    public void A_container_with_every_default_has_the_guides_findings_each_with_a_fix()
    {
        var defaults = Hardened(image: "nginx", user: null, readOnly: false, noNewPrivileges: false, capAdd: [], capDrop: [],
            memory: null, cpus: null, pids: null, healthcheck: false);

        var findings = PostureRules.Evaluate(defaults);

        Assert.Equal(
            new[] { "default-capabilities", "image-tag", "no-cpu-limit", "no-healthcheck", "no-memory-limit", "no-new-privileges", "no-pids-limit", "root-user", "writable-rootfs" },
            findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
        Assert.Contains("DAC_OVERRIDE", findings.Single(f => f.Rule == "default-capabilities").Detail);
        Assert.Equal(Severity.High, findings.Single(f => f.Rule == "root-user").Severity);
    }

    [Theory]
    [InlineData("SYS_ADMIN", Severity.Critical)]
    [InlineData("CAP_SYS_PTRACE", Severity.High)]
    [InlineData("DAC_OVERRIDE", Severity.High)]
    [InlineData("net_raw", Severity.High)]
    [InlineData("SETFCAP", Severity.High)]
    [InlineData("SETUID", Severity.High)]
    [InlineData("SETGID", Severity.High)]
    [InlineData("SETPCAP", Severity.High)]
    [InlineData("ALL", Severity.Critical)]
    public void An_added_high_risk_capability_is_a_finding_naming_it(string capability, Severity severity)
    {
        var finding = Assert.Single(PostureRules.Evaluate(Hardened(capAdd: [capability])));

        Assert.Equal("capability-added", finding.Rule);
        Assert.Equal(severity, finding.Severity);
        Assert.Contains(capability.ToUpperInvariant().Replace("CAP_", ""), finding.Title);
    }

    [Fact]
    public void Dropping_the_high_risk_defaults_one_by_one_is_as_good_as_dropping_all()
    {
        Assert.Empty(PostureRules.Evaluate(Hardened(capDrop: PostureRules.HighRiskDefaults)));
        Assert.Contains("default-capabilities", Rules(Hardened(capDrop: ["NET_RAW"])));
    }

    [Fact]
    public void Privileged_mode_is_critical_and_not_reported_twice_as_kept_capabilities()
    {
        var rules = Rules(Hardened(privileged: true, capDrop: []));

        Assert.Contains("privileged", rules);
        Assert.DoesNotContain("default-capabilities", rules);
        Assert.Equal(Severity.Critical, PostureRules.Evaluate(Hardened(privileged: true)).Single(f => f.Rule == "privileged").Severity);
    }

    [Fact]
    public void Host_namespaces_the_docker_socket_and_sensitive_host_paths_are_findings()
    {
        var container = Hardened(networkMode: "host", pidMode: "host", mounts:
        [
            new MountInfo("bind", null, "/var/run/docker.sock", "/var/run/docker.sock", true, null),
            new MountInfo("bind", null, "/etc", "/host/etc", true, null),
            new MountInfo("bind", null, "/srv/app-data", "/data", false, null),
            new MountInfo("volume", "data", "/var/lib/docker/volumes/data/_data", "/data2", false, "local"),
        ]);

        var findings = PostureRules.Evaluate(container);

        Assert.Equal(new[] { "docker-socket", "host-network", "host-pid", "sensitive-host-path" }, findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
        Assert.Equal(Severity.Critical, findings.Single(f => f.Rule == "docker-socket").Severity);
        Assert.Contains("/etc", findings.Single(f => f.Rule == "sensitive-host-path").Detail);
    }

    [Theory]
    [InlineData("busybox", true)]
    [InlineData("busybox:latest", true)]
    [InlineData("127.0.0.1:5000/team/app", true)]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("127.0.0.1:5000/team/app:1.2", false)]
    [InlineData("node:18-alpine", false)]
    [InlineData("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    public void Images_run_by_latest_no_tag_or_bare_id_are_not_pinned(string image, bool flagged)
    {
        Assert.Equal(flagged, PostureRules.ImageTagProblem(image) is not null);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("root", true)]
    [InlineData("0:0", true)]
    [InlineData("1001", false)]
    [InlineData("appuser", false)]
    [InlineData("nobody:nogroup", false)]
    public void Root_is_no_user_root_or_uid_zero(string? user, bool root)
    {
        Assert.Equal(root, PostureRules.IsRoot(user));
    }
}
