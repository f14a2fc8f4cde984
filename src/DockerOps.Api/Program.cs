using DockerOps.Api.Cli;
using DockerOps.Api.Containers;
using DockerOps.Api.EngineSystem;
using DockerOps.Api.Images;
using DockerOps.Api.Networks;
using DockerOps.Api.Posture;
using DockerOps.Api.Pruning;
using DockerOps.Api.Volumes;
using DockerOps.Api.Health;
using DockerOps.Api.Setup;

if (HealthProbeCommand.Matches(args))
    return await HealthProbeCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();
builder.Services.AddDockerEngines(builder.Configuration);
builder.Services.AddApplicationServices();
builder.Services.AddApiErrorHandling();
builder.Services.AddApiJson();
builder.Services.AddApiDocumentation();

var app = builder.Build();

app.UseApiErrorHandling();
app.UseApiDocumentation();

app.MapHealthEndpoints();
app.MapMetricsEndpoint();
var api = app.MapGroup("/api/v1");
api.MapContainers();
api.MapVolumes();
api.MapNetworks();
api.MapImages();
api.MapSystem();
api.MapPrunes();
api.MapPosture();

app.Run();
return 0;

/// <summary>Visible to the test host.</summary>
public partial class Program;
