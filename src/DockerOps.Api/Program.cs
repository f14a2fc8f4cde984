using DockerOps.Api.Alerts;
using DockerOps.Api.Containers;
using DockerOps.Api.Health;
using DockerOps.Api.Incidents;
using DockerOps.Api.Jobs;
using DockerOps.Api.Setup;
using DockerOps.Jobs;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDockerEngines(builder.Configuration);
builder.Services.AddApplicationServices();
builder.Services.AddApiErrorHandling();
builder.Services.AddApiJson();
builder.Services.AddApiDocumentation();
builder.Services.AddDockerOpsJobs(builder.Configuration);
builder.Services.AddDashboardSignIn();

var app = builder.Build();

app.UseApiErrorHandling();
app.UseApiDocumentation();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthEndpoints();
var api = app.MapGroup("/api/v1");
api.MapContainers();
api.MapIncidents();
api.MapAlerts();
api.MapJobs();
app.MapDashboard();

app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
