using DockerOps.Core.Containers;

namespace DockerOps.Core.Tests;

public sealed class CreateContainerRequestTests
{
    private static readonly CreateContainerRequest Valid = new() { Image = "busybox" };

    public static TheoryData<CreateContainerRequest, string> BadRequests => new()
    {
        { Valid with { Image = " " }, "image" },
        { Valid with { Name = "has space" }, "name" },
        { Valid with { Name = "x" }, "name" },
        { Valid with { Command = ["sh", null!] }, "command" },
        { Valid with { Env = new() { ["A=B"] = "1" } }, "env.A=B" },
        { Valid with { Env = new() { ["TOKEN"] = null! } }, "env.TOKEN" },
        { Valid with { Labels = new() { [""] = "x" } }, "labels" },
        { Valid with { Labels = new() { ["team"] = null! } }, "labels.team" },
        { Valid with { Ports = [new(null, null, 0, null)] }, "ports[0].containerPort" },
        { Valid with { Ports = [new(null, null, 80, null), new(null, null, 70000, null)] }, "ports[1].containerPort" },
        { Valid with { Ports = [new(null, 65536, 80, null)] }, "ports[0].hostPort" },
        { Valid with { Ports = [new(null, null, 80, "icmp")] }, "ports[0].protocol" },
        { Valid with { Ports = [new("my-host", null, 80, null)] }, "ports[0].hostIp" },
        { Valid with { Mounts = [new("nfs", "server:/x", "/data", null)] }, "mounts[0].type" },
        { Valid with { Mounts = [new("1", null, "/data", null)] }, "mounts[0].type" },
        { Valid with { Mounts = [new("volume", null, "data", null)] }, "mounts[0].target" },
        { Valid with { Mounts = [new("bind", "relative", "/data", null)] }, "mounts[0].source" },
        { Valid with { Mounts = [new("volume", "bad/name", "/data", null)] }, "mounts[0].source" },
        { Valid with { Mounts = [new("tmpfs", "/host", "/data", null)] }, "mounts[0].source" },
        { Valid with { Networks = [new(" ", null)] }, "networks[0].name" },
        { Valid with { RestartPolicy = "sometimes" }, "restartPolicy" },
        { Valid with { RestartPolicy = "on-failure:-1" }, "restartPolicy" },
        { Valid with { RestartPolicy = "always:3" }, "restartPolicy" },
        { Valid with { Healthcheck = new(null, null, null, null, null) }, "healthcheck.test" },
        { Valid with { Healthcheck = new(["CMD"], null, null, null, null) }, "healthcheck.test" },
        { Valid with { Healthcheck = new(["true"], "soon", null, null, null) }, "healthcheck.interval" },
        { Valid with { Healthcheck = new(["true"], null, "0s", null, null) }, "healthcheck.timeout" },
        { Valid with { Healthcheck = new(["true"], null, null, -1, null) }, "healthcheck.retries" },
        { Valid with { Healthcheck = new(["true"], null, null, null, "later") }, "healthcheck.startPeriod" },
        { Valid with { Memory = "lots" }, "memory" },
        { Valid with { Memory = "1m" }, "memory" },
        { Valid with { Cpus = 0 }, "cpus" },
        { Valid with { Cpus = 2000 }, "cpus" },
        { Valid with { PidsLimit = 0 }, "pidsLimit" },
        { Valid with { CapAdd = ["net admin"] }, "capAdd[0]" },
        { Valid with { CapDrop = ["ALL", "raw;"] }, "capDrop[1]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Each_bad_value_is_refused_naming_its_field(CreateContainerRequest request, string field)
    {
        var spec = request.ToSpec();

        Assert.False(spec.IsOk);
        Assert.Equal(field, spec.Error!.Field);
        Assert.False(string.IsNullOrWhiteSpace(spec.Error.Detail));
    }

    [Fact]
    public void A_full_request_becomes_a_spec_with_cli_units_converted()
    {
        var spec = new CreateContainerRequest
        {
            Name = "/web",
            Image = " busybox ",
            Ports = [new(null, 0, 80, null), new("0.0.0.0", 8443, 443, "TCP")],
            Mounts = [new("Volume", null, "/anon", null), new("bind", "/srv", "/srv", true), new("tmpfs", null, "/tmp", null)],
            Networks = [new("back", ["api"])],
            RestartPolicy = "on-failure:3",
            Healthcheck = new(["wget -q -O- localhost || exit 1"], "1m30s", "5s", 2, "250ms"),
            Memory = "256m",
            Cpus = 0.5,
            PidsLimit = -1,
            CapDrop = ["ALL"],
            NoNewPrivileges = true,
        }.ToSpec();

        Assert.True(spec.IsOk, spec.Error?.Detail);
        var value = spec.Value;
        Assert.Equal(("web", "busybox"), (value.Name, value.Image));
        // Published ports default to loopback, and port 0 means any free port.
        Assert.Equal(new PortBinding("127.0.0.1", null, 80, "tcp"), value.Ports[0]);
        Assert.Equal(new PortBinding("0.0.0.0", 8443, 443, "tcp"), value.Ports[1]);
        Assert.Equal([MountType.Volume, MountType.Bind, MountType.Tmpfs], value.Mounts.Select(m => m.Type));
        Assert.True(value.Mounts[1].ReadOnly);
        Assert.Equal(["api"], value.Networks.Single().Aliases);
        Assert.Equal(new RestartPolicySpec("on-failure", 3), value.RestartPolicy);
        Assert.Equal(["CMD-SHELL", "wget -q -O- localhost || exit 1"], value.HealthCheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(90), value.HealthCheck.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), value.HealthCheck.StartPeriod);
        Assert.Equal(256L << 20, value.MemoryBytes);
        Assert.Equal(-1, value.PidsLimit);
        Assert.True(value.NoNewPrivileges);
        Assert.False(value.Privileged);
    }

    [Fact]
    public void A_health_test_given_as_several_words_runs_without_a_shell()
    {
        var spec = (Valid with { Healthcheck = new(["wget", "-q", "localhost"], null, null, null, null) }).ToSpec();

        Assert.Equal(["CMD", "wget", "-q", "localhost"], spec.Value.HealthCheck!.Test);
    }
}
