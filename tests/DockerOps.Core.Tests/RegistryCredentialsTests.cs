using DockerOps.Core.Images;

namespace DockerOps.Core.Tests;

public sealed class RegistryCredentialsTests
{
    [Fact]
    public void Registry_credentials_printed_by_accident_show_the_server_and_user_but_no_secret()
    {
        var credentials = new RegistryCredentials("127.0.0.1:5000", "puller", "hunter2-registry", "token-abc123");

        var printed = credentials.ToString();

        Assert.Contains("127.0.0.1:5000", printed);
        Assert.Contains("puller", printed);
        Assert.DoesNotContain("hunter2-registry", printed);
        Assert.DoesNotContain("token-abc123", printed);
    }
}
