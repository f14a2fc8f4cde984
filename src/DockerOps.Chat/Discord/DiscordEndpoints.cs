using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;

namespace DockerOps.Chat.Discord;

/// <summary>Discord's HTTP interactions endpoint (the alternative to the gateway): Ed25519-checked, PING answered with PONG.</summary>
public static class DiscordEndpoints
{
    public static RouteHandlerBuilder MapDiscord(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/chat/discord/interactions", Interaction).WithTags("Chat").WithName("DiscordInteraction")
            .WithSummary("Discord interactions (slash commands, buttons, autocomplete), signed with the application's Ed25519 key.")
            // Discord signs its requests; API keys do not apply, and this is not part of the REST contract.
            // A 429 from us would lose the interaction; Discord paces its own traffic.
            .AllowAnonymous().ExcludeFromDescription().DisableRateLimiting();

    public static async Task<Results<JsonHttpResult<JsonObject>, UnauthorizedHttpResult, BadRequest>> Interaction(
        HttpContext http, DiscordSignatureVerifier verifier, DiscordInteractions interactions, ChatDelivery delivery)
    {
        byte[]? body;
        try
        {
            body = await RawBody.ReadAsync(http.Request, http.RequestAborted);
        }
        catch (IOException)
        {
            return TypedResults.Unauthorized();
        }

        if (body is null || !verifier.Verify(http.Request.Headers["X-Signature-Ed25519"], http.Request.Headers["X-Signature-Timestamp"], body))
            return TypedResults.Unauthorized();

        JsonObject? interaction;
        try
        {
            interaction = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            interaction = null;
        }

        if (interaction is null)
            return TypedResults.BadRequest();

        var answer = await interactions.AnswerAsync(interaction);
        if (answer.AfterCallback is { } after)
        {
            // Editing @original before Discord has our deferral would fail, so the follow-up waits for the response to be sent.
            http.Response.OnCompleted(() =>
            {
                delivery.Track(after);
                return Task.CompletedTask;
            });
        }

        return TypedResults.Json(answer.Callback, contentType: "application/json");
    }
}
