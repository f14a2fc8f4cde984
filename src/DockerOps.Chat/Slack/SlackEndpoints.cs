using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat.Slack;

/// <summary>Slack's request URLs: slash commands and interactivity, each signature-checked on the raw body.</summary>
public static class SlackEndpoints
{
    public static RouteGroupBuilder MapSlack(this IEndpointRouteBuilder routes)
    {
        // Slack signs its requests; API keys do not apply, and these are not part of the REST contract.
        // The per-address REST budget would throttle a whole workspace behind Slack's few addresses.
        var group = routes.MapGroup("/chat/slack").WithTags("Chat").AllowAnonymous().ExcludeFromDescription().DisableRateLimiting();
        group.MapPost("/commands", Command).WithName("SlackSlashCommand")
            .WithSummary("Slack slash command (/docker ...), signed with the app's signing secret.");
        group.MapPost("/interactions", Interaction).WithName("SlackInteraction")
            .WithSummary("Slack button clicks (block_actions), signed with the app's signing secret.");
        return group;
    }

    public static async Task<Results<JsonHttpResult<JsonObject>, UnauthorizedHttpResult>> Command(
        HttpContext http, SlackSignatureVerifier verifier, IOptions<SlackOptions> options, SlackConversation conversation)
    {
        var form = await ReadSignedFormAsync(http, verifier, options.Value);
        if (form is null || string.IsNullOrEmpty(Field(form, "user_id")))
            return TypedResults.Unauthorized();
        var command = new SlackCommand(Field(form, "user_id")!, Field(form, "user_name"), Field(form, "channel_id"), Field(form, "text"), Field(form, "response_url"));
        return TypedResults.Json(await conversation.AnswerCommandAsync(command));
    }

    public static async Task<Results<Ok, BadRequest, UnauthorizedHttpResult>> Interaction(
        HttpContext http, SlackSignatureVerifier verifier, IOptions<SlackOptions> options, SlackConversation conversation)
    {
        var form = await ReadSignedFormAsync(http, verifier, options.Value);
        if (form is null)
            return TypedResults.Unauthorized();
        var click = ParseClick(Field(form, "payload"));
        if (click is null)
            return TypedResults.BadRequest();
        conversation.HandleClick(click);
        return TypedResults.Ok();
    }

    /// <summary>A block_actions payload's first action, or null for anything else.</summary>
    internal static SlackClick? ParseClick(string? payload)
    {
        try
        {
            var json = payload is null ? null : JsonNode.Parse(payload);
            if (json?["type"]?.GetValue<string>() != "block_actions")
                return null;
            var userId = json["user"]?["id"]?.GetValue<string>();
            var actionId = json["actions"]?.AsArray().FirstOrDefault()?["action_id"]?.GetValue<string>();
            if (userId is null || actionId is null)
                return null;
            return new SlackClick(userId, json["user"]?["username"]?.GetValue<string>() ?? json["user"]?["name"]?.GetValue<string>(),
                json["channel"]?["id"]?.GetValue<string>(), actionId, json["response_url"]?.GetValue<string>());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>?> ReadSignedFormAsync(
        HttpContext http, SlackSignatureVerifier verifier, SlackOptions options)
    {
        var body = await RawBody.ReadAsync(http.Request, http.RequestAborted);
        if (body is null || string.IsNullOrEmpty(options.SigningSecret))
            return null;
        var check = verifier.Verify(options.SigningSecret, http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body);
        return check == SlackSignatureCheck.Valid ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)) : null;
    }

    private static string? Field(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : null;
}
