using DockerOps.Api.Containers;
using DockerOps.Api.Health;
using DockerOps.Api.Setup;
using DockerOps.Chat;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDockerEngines(builder.Configuration);
builder.Services.AddApplicationServices();
builder.Services.AddApiErrorHandling();
builder.Services.AddApiJson();
builder.Services.AddApiDocumentation();
builder.Services.AddChat(builder.Configuration);

var app = builder.Build();
if (await app.Services.RunChatCommandLineAsync(args))
    return;

app.UseApiErrorHandling();
app.UseApiDocumentation();

app.MapHealthEndpoints();
var api = app.MapGroup("/api/v1");
api.MapContainers();
app.MapChat();

app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
