using DockerOps.Api.Containers;
using DockerOps.Api.Health;
using DockerOps.Api.Setup;

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

app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
