using DockerOps.Testing;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Tests;

public sealed class JobsApiTests(DockerOpsApp app) : IClassFixture<DockerOpsApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Recurring_jobs_are_listed_with_schedule_and_next_run_and_can_be_rescheduled_and_run()
    {
        var jobs = (await (await _client.GetAsync("/api/v1/jobs")).AssertOkJsonAsync()).AsArray();
        Assert.Contains(jobs, j => (string?)j!["id"] == "health-reconcile");
        var cleanup = jobs.Single(j => (string?)j!["id"] == "incidents-cleanup")!;
        Assert.Equal("17 3 * * *", (string?)cleanup["cron"]);
        Assert.True((bool)cleanup["enabled"]!);
        Assert.Equal("30", (string?)cleanup["options"]!["retentionDays"]);
        Assert.NotNull(cleanup["nextRun"]);

        var updated = await (await _client.PutAsync("/api/v1/jobs/incidents-cleanup",
            JsonContent("""{"cron":"0 4 * * 0","options":{"retentionDays":"7"}}"""))).AssertOkJsonAsync();
        Assert.Equal("0 4 * * 0", (string?)updated["cron"]);
        Assert.Equal("7", (string?)updated["options"]!["retentionDays"]);
        Assert.Equal(DayOfWeek.Sunday, DateTimeOffset.Parse((string)updated["nextRun"]!).DayOfWeek);

        var run = await (await _client.PostAsync("/api/v1/jobs/incidents-cleanup/run", null)).AssertOkJsonAsync();
        Assert.False(string.IsNullOrEmpty((string?)run["jobId"]));
        await DockerOps.Api.Tests.Watch.ReceiverApp.WaitUntilAsync(() =>
        {
            var list = _client.GetAsync("/api/v1/jobs").Result.ReadJsonAsync().Result.AsArray();
            return (string?)list.Single(j => (string?)j!["id"] == "incidents-cleanup")!["lastOutcome"] == "Succeeded";
        }, TimeSpan.FromSeconds(30), "the job to run");

        var disabled = await (await _client.PutAsync("/api/v1/jobs/incidents-cleanup", JsonContent("""{"enabled":false}"""))).AssertOkJsonAsync();
        Assert.False((bool)disabled["enabled"]!);
        Assert.Null(disabled["nextRun"]);
        var enabled = await (await _client.PutAsync("/api/v1/jobs/incidents-cleanup", JsonContent("""{"enabled":true}"""))).AssertOkJsonAsync();
        Assert.Equal("0 4 * * 0", (string?)enabled["cron"]);
    }

    [Fact]
    public async Task A_bad_cron_or_unknown_job_is_refused_naming_it()
    {
        var bad = await (await _client.PutAsync("/api/v1/jobs/health-reconcile", JsonContent("""{"cron":"61 * * * *"}"""))).AssertProblemAsync(400);
        Assert.Equal("cron", (string?)bad["field"]);
        var option = await (await _client.PutAsync("/api/v1/jobs/health-reconcile", JsonContent("""{"options":{"colour":"red"}}"""))).AssertProblemAsync(400);
        Assert.Equal("options.colour", (string?)option["field"]);
        await (await _client.PostAsync("/api/v1/jobs/no-such-job/run", null)).AssertProblemAsync(404);
    }

    [Fact]
    public void A_bad_cron_in_configuration_fails_start_naming_the_setting()
    {
        using var broken = new ConfiguredApp(new Dictionary<string, string?> { ["Jobs:Recurring:incidents-cleanup:Cron"] = "61 * * * *" });

        var failure = Assert.Throws<OptionsValidationException>(() => broken.CreateClient());

        Assert.Contains("Jobs:Recurring:incidents-cleanup:Cron '61 * * * *' is not a valid cron expression", failure.Message);
    }

    [Fact]
    public async Task The_dashboard_is_for_admins_who_sign_in_with_their_api_key_or_send_it()
    {
        var configured = new ConfiguredApp(new Dictionary<string, string?>());
        await configured.InitializeAsync();
        var viewerKey = await configured.CreateKeyAsync(Core.Access.Role.Viewer);
        // Our own client: the factory's follows redirects and keeps cookies, which would hide what is checked here.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = configured.ClientOptions.BaseAddress };

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        browser.Headers.Add("Accept", "text/html");
        var anonymous = await client.SendAsync(browser);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/sign-in", anonymous.Headers.Location!.PathAndQuery);
        var anonymousApi = await client.GetAsync("/hangfire");
        await anonymousApi.AssertProblemAsync(401);

        var wrong = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "guess", ["returnUrl"] = "/hangfire" }));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not an admin key", await wrong.Content.ReadAsStringAsync());
        var viewer = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = viewerKey, ["returnUrl"] = "/hangfire" }));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, viewer.StatusCode);

        var signedIn = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = configured.AdminKey!, ["returnUrl"] = "https://evil.example/" }));
        Assert.Equal("/hangfire", signedIn.Headers.Location!.OriginalString);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var dashboardRequest = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        dashboardRequest.Headers.Add("Cookie", cookie.Split(';')[0]);
        var dashboard = await client.SendAsync(dashboardRequest);
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("incidents-cleanup", await dashboard.Content.ReadAsStringAsync());

        using var withAdminKey = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        withAdminKey.Headers.Add("X-Api-Key", configured.AdminKey);
        var apiClient = await client.SendAsync(withAdminKey);
        Assert.Equal(System.Net.HttpStatusCode.OK, apiClient.StatusCode);
        Assert.Contains("incidents-cleanup", await apiClient.Content.ReadAsStringAsync());
        using var withViewerKey = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        withViewerKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewerKey);
        var refused = await (await client.SendAsync(withViewerKey)).AssertProblemAsync(403);
        Assert.Contains("needs admin", (string?)refused["detail"]);
        await configured.DisposeAsync();
    }

    [Fact]
    public async Task A_dashboard_session_ends_when_the_key_behind_it_is_revoked_and_non_admin_keys_cannot_sign_in()
    {
        var adminName = $"dash-{Guid.NewGuid():N}"[..17];
        var adminKey = await app.CreateKeyAsync(Core.Access.Role.Admin, name: adminName);
        var operatorKey = await app.CreateKeyAsync(Core.Access.Role.Operator);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.ClientOptions.BaseAddress };

        var refused = await SignInAsync(browser, operatorKey);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("not an admin key", await refused.Content.ReadAsStringAsync());
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        var signedIn = await SignInAsync(browser, adminKey);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var dashboard = await browser.SendAsync(DashboardRequest(cookie));
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("incidents-cleanup", await dashboard.Content.ReadAsStringAsync());

        var revoked = await (await _client.DeleteAsync($"/api/v1/keys/{adminName}")).AssertOkJsonAsync();
        Assert.NotNull(revoked["revoked"]);

        // The key is checked again at each request (answers are kept a few seconds at most).
        HttpResponseMessage? after = null;
        await DockerOps.Api.Tests.Watch.ReceiverApp.WaitUntilAsync(() =>
        {
            after = browser.SendAsync(DashboardRequest(cookie)).Result;
            return after.StatusCode == System.Net.HttpStatusCode.Redirect;
        }, DashboardSessionCheckWindow, "the revoked key's session to end");
        Assert.StartsWith("/sign-in", after!.Headers.Location!.PathAndQuery);
        Assert.Contains("ReturnUrl=%2Fhangfire%2Frecurring", after.Headers.Location.OriginalString);
        // The cookie is cleared, too.
        Assert.Contains(after.Headers.GetValues("Set-Cookie"), c => c.StartsWith("dockerops-dashboard=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Over_HTTPS_the_dashboard_cookie_is_secure()
    {
        var https = new HttpsApp();
        await https.InitializeAsync();
        try
        {
            using var browser = new HttpClient(new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            }) { BaseAddress = https.ClientOptions.BaseAddress };
            Assert.Equal("https", browser.BaseAddress!.Scheme);

            var signedIn = await SignInAsync(browser, https.AdminKey!);

            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            var dashboard = await browser.SendAsync(DashboardRequest(cookie.Split(';')[0]));
            Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        }
        finally
        {
            await https.DisposeAsync();
        }
    }

    private static readonly TimeSpan DashboardSessionCheckWindow = Setup.DashboardSessionCheck.CacheFor + TimeSpan.FromSeconds(5);

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key) =>
        browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = "/hangfire" }));

    private static HttpRequestMessage DashboardRequest(string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        request.Headers.Add("Accept", "text/html");
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    /// <summary>The service on HTTPS, with a self-signed certificate made for the test.</summary>
    private sealed class HttpsApp : DockerOpsApp
    {
        public HttpsApp()
            : base(CertificateSettings()) =>
            DeleteOnDispose(Path.GetDirectoryName(Setting("Kestrel:Certificates:Default:Path"))!);

        private static Dictionary<string, string?> CertificateSettings()
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            var file = Path.Combine(Directory.CreateTempSubdirectory("dockerops-cert-").FullName, "test.pfx");
            File.WriteAllBytes(file, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test"));
            return new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = file, ["Kestrel:Certificates:Default:Password"] = "test" };
        }

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Urls", "https://127.0.0.1:0");
        }
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private sealed class ConfiguredApp(IDictionary<string, string?> settings) : DockerOpsApp(settings);
}
