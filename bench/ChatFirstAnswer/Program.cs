// Time to the first answer of a Slack slash command while the Docker engine is slow.
//
// A WireMock server plays an engine that takes 5 s to answer anything, and Slack's response_url.
// The DockerOps service runs as its own process against that engine; signed `/docker restart api`
// commands are posted to it and the time until its HTTP answer (what Slack shows first) is measured,
// then the time until the real result reaches response_url. `/docker status api` (a quick command)
// is measured too: it is answered inline when the engine is fast, and after the inline budget when not.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DockerOps.Chat.Slack;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

var apiDll = args.Length > 0 ? args[0] : throw new ArgumentException("usage: ChatFirstAnswer <path to DockerOps.Api.dll> [requests] [concurrency]");
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
const string Secret = "bench-signing-secret";
var engineDelay = TimeSpan.FromSeconds(5);

using var engine = WireMockServer.Start();
engine.Given(Request.Create().UsingAnyMethod().WithPath(new WildcardMatcher("*")))
    .RespondWith(Response.Create().WithDelay(engineDelay).WithHeader("Content-Type", "application/json").WithBody("[]"));
using var slack = WireMockServer.Start();
slack.Given(Request.Create().UsingPost().WithPath(new WildcardMatcher("/response/*"))).RespondWith(Response.Create().WithStatusCode(200));

var port = FreePort();
var dataFolder = Directory.CreateTempSubdirectory("dockerops-bench-").FullName;
var service = new ProcessStartInfo("dotnet", [apiDll])
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    Environment =
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["DOCKEROPS_DATA"] = dataFolder,
        ["Docker__Host"] = engine.Url!.Replace("http://", "tcp://", StringComparison.Ordinal),
        ["Slack__SigningSecret"] = Secret,
        ["Slack__BotToken"] = "xoxb-bench",
        ["Chat__Identities__0__Platform"] = "slack",
        ["Chat__Identities__0__UserId"] = "UBENCH",
        ["Chat__Identities__0__Role"] = "operator",
        ["Logging__LogLevel__Default"] = "Error",
    },
};
using var process = Process.Start(service)!;
process.OutputDataReceived += (_, _) => { };
process.ErrorDataReceived += (_, _) => { };
process.BeginOutputReadLine();
process.BeginErrorReadLine();
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
try
{
    await WaitForServiceAsync(http);
    Console.WriteLine($"engine answers every call after {engineDelay.TotalSeconds:0} s; {requests} commands, {concurrency} at a time");

    await MeasureAsync("restart api (slow command, deferred)", "restart api", Math.Min(20, requests), warmUp: true);
    var restart = await MeasureAsync("restart api (slow command, deferred)", "restart api", requests, warmUp: false);
    var status = await MeasureAsync("status api (quick command, over the inline budget)", "status api", Math.Max(16, requests / 10), warmUp: false);

    var delivered = await WaitForDeliveriesAsync(restart.Paths, TimeSpan.FromSeconds(60));
    Console.WriteLine($"results delivered to response_url: {delivered}/{restart.Paths.Count} (each after the engine's {engineDelay.TotalSeconds:0} s and the call timeout)");
    var p99 = restart.P99;
    Console.WriteLine(p99 < TimeSpan.FromSeconds(1) ? $"PASS: p99 first answer {p99.TotalMilliseconds:0.0} ms < 1000 ms" : $"FAIL: p99 first answer {p99.TotalMilliseconds:0.0} ms >= 1000 ms");
    Environment.ExitCode = p99 < TimeSpan.FromSeconds(1) && status.P99 < TimeSpan.FromSeconds(3) ? 0 : 1;
}
finally
{
    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    Directory.Delete(dataFolder, recursive: true);
}

async Task<(TimeSpan P99, List<string> Paths)> MeasureAsync(string label, string text, int count, bool warmUp)
{
    var timings = new List<TimeSpan>();
    var paths = new List<string>();
    var next = 0;
    async Task Worker()
    {
        while (Interlocked.Increment(ref next) <= count)
        {
            var path = $"/response/{Guid.NewGuid():N}";
            var body = $"team_id=T1&channel_id=C1&user_id=UBENCH&user_name=bench&command=%2Fdocker&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString(slack.Url + path)}";
            var bytes = Encoding.UTF8.GetBytes(body);
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/slack/commands") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(Secret, ts, bytes));
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"{text}: {(int)response.StatusCode}");
            lock (timings)
            {
                timings.Add(elapsed);
                paths.Add(path);
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker()));
    timings.Sort();
    TimeSpan At(double q) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(q * timings.Count) - 1)];
    if (!warmUp)
        Console.WriteLine($"{label}: n={timings.Count} p50={At(0.50).TotalMilliseconds:0.0} ms p95={At(0.95).TotalMilliseconds:0.0} ms p99={At(0.99).TotalMilliseconds:0.0} ms max={timings[^1].TotalMilliseconds:0.0} ms");
    return (At(0.99), paths);
}

async Task<int> WaitForDeliveriesAsync(List<string> paths, TimeSpan limit)
{
    var wanted = paths.ToHashSet();
    var deadline = DateTime.UtcNow + limit;
    int seen;
    do
    {
        seen = slack.LogEntries.Select(e => e.RequestMessage.Path).Where(wanted.Contains).Distinct().Count();
        if (seen == wanted.Count)
            break;
        await Task.Delay(200);
    }
    while (DateTime.UtcNow < deadline);
    return seen;
}

static async Task WaitForServiceAsync(HttpClient http)
{
    for (var i = 0; i < 150; i++)
    {
        try
        {
            if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                return;
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("DockerOps did not start within 30 s.");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
