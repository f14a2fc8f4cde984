using DockerOps.Api.Access;
using DockerOps.Api.Alerts;
using DockerOps.Api.Audit;
using DockerOps.Api.Cli;
using DockerOps.Api.Containers;
using DockerOps.Api.EngineSystem;
using DockerOps.Api.Images;
using DockerOps.Api.Networks;
using DockerOps.Api.Posture;
using DockerOps.Api.Pruning;
using DockerOps.Api.Health;
using DockerOps.Api.Incidents;
using DockerOps.Api.Jobs;
using DockerOps.Api.Setup;
using DockerOps.Api.Volumes;
using DockerOps.Chat;
using DockerOps.Core.Access;
using DockerOps.Jobs;

if (HealthProbeCommand.Matches(args))
    return await HealthProbeCommand.RunAsync(args);

// `keys create|list|revoke` manages API keys and exits; anything else starts the service.
var keysCommand = KeysCommand.TryParse(args);
var builder = WebApplication.CreateBuilder(keysCommand is null ? args : []);

builder.AddSecretFiles();
builder.AddObservability();
builder.Services.AddDockerEngines(builder.Configuration);
builder.Services.AddApplicationServices();
builder.Services.AddAccessControl(builder.Configuration);
builder.Services.AddGuardRails(builder.Configuration);
builder.Services.AddApiKeyAuthentication();
builder.Services.AddRequestLimits(builder.Configuration);
builder.Services.AddApiErrorHandling();
builder.Services.AddApiJson();
builder.Services.AddApiDocumentation();
builder.Services.AddChat(builder.Configuration);
builder.Services.AddDockerOpsJobs(builder.Configuration);
builder.Services.AddDashboardSignIn();
builder.Services.WithoutBackgroundWorkWhileGeneratingTheDocument();

var app = builder.Build();
if (keysCommand is not null)
    return await keysCommand.RunAsync(app.Services, Console.Out, Console.Error);
if (await app.Services.RunChatCommandLineAsync(args) is { } chatExitCode)
    return chatExitCode;

app.UseApiErrorHandling();
app.UseApiDocumentation();
app.UseRequestBodyLimit();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

app.MapHealthEndpoints();
// Scrapers send a viewer key (Prometheus: authorization.credentials); the numbers describe the fleet.
app.MapMetricsEndpoint().RequirePermission(Permission.SystemRead);
var api = app.MapGroup("/api/v1");
api.MapContainers();
api.MapKeys();
api.MapAudit();
api.MapVolumes();
api.MapNetworks();
api.MapImages();
api.MapSystem();
api.MapPrunes();
api.MapPosture();
api.MapIncidents();
api.MapAlerts();
api.MapJobs();
app.MapChat();
app.MapDashboard();

app.Run();
return 0;

/// <summary>Visible to the test host.</summary>
public partial class Program;
