using DockerOps.Api.Setup;
using Microsoft.Extensions.Configuration;

namespace DockerOps.Api.Tests;

public sealed class SecretFilesTests
{
    [Fact]
    public void A_job_or_alert_setting_can_come_from_a_file_named_by_its_FILE_twin()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "Host=postgres;Password=from-a-file\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:ConnectionString_FILE"] = secret,
            ["Alerts:Channels:0:Secret_FILE"] = secret,
            ["Alerts:Channels:1:Secret"] = "set-directly",
            ["Alerts:Channels:1:Secret_FILE"] = secret,
            ["Docker:Host_FILE"] = secret,
        }).Build();

        var resolved = SecretFiles.Resolve(configuration);

        Assert.Equal("Host=postgres;Password=from-a-file", resolved["Jobs:ConnectionString"]);
        Assert.Equal("Host=postgres;Password=from-a-file", resolved["Alerts:Channels:0:Secret"]);
        // A value set directly wins, and sections outside jobs and alerts are not touched.
        Assert.False(resolved.ContainsKey("Alerts:Channels:1:Secret"));
        Assert.False(resolved.ContainsKey("Docker:Host"));
        File.Delete(secret);
    }

    [Fact]
    public void An_unreadable_secret_file_stops_the_start_naming_the_setting_but_not_the_content()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:ConnectionString_FILE"] = "/nonexistent/dockerops-secret",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => SecretFiles.Resolve(configuration));

        Assert.Contains("Jobs:ConnectionString_FILE", error.Message);
    }
}
