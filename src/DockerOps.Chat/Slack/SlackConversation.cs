using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Slack;

/// <summary>A slash command as Slack sends it, over HTTP (form fields) or Socket Mode (JSON payload).</summary>
public sealed record SlackCommand(string UserId, string? UserName, string? ChannelId, string? Text, string? ResponseUrl);

/// <summary>A button click (block_actions).</summary>
public sealed record SlackClick(string UserId, string? UserName, string? ChannelId, string ActionId, string? ResponseUrl);

/// <summary>
/// Slack's side of a conversation, the same for the HTTP endpoints and Socket Mode: the first
/// answer within Slack's 3 s, later answers and every click's result through response_url.
/// </summary>
public sealed class SlackConversation(ChatCommandRunner runner, ChatDelivery delivery, SlackApiClient slack)
{
    /// <summary>The immediate answer to a slash command; the full answer may follow on response_url.</summary>
    public async Task<JsonObject> AnswerCommandAsync(SlackCommand command)
    {
        var user = new ChatUser(ChatPlatform.Slack, command.UserId, command.UserName ?? command.UserId, [], command.ChannelId);
        var turn = runner.Begin(user, ChatInput.FromText(command.Text));
        if (turn.Immediate is { } immediate)
            return SlackRenderer.Message(immediate);

        var run = turn.Run!;
        var reply = await delivery.RunAsync(run, (later, ct) => PostAsync(command.ResponseUrl, SlackRenderer.Message(later), ct));
        return reply is not null
            ? SlackRenderer.Message(reply)
            : SlackRenderer.Message(ChatReply.Info($"Working on {Replies.Code(run.Verb)}…"));
    }

    /// <summary>Handles a click in the background; Slack only needs the HTTP request acknowledged.</summary>
    public void HandleClick(SlackClick click)
    {
        var user = new ChatUser(ChatPlatform.Slack, click.UserId, click.UserName ?? click.UserId, [], click.ChannelId);
        var turn = runner.Click(user, click.ActionId);
        delivery.Track(async ct =>
        {
            if (turn.Immediate is { } immediate)
            {
                var message = SlackRenderer.Message(immediate);
                message["replace_original"] = turn.UpdatesPrompt;
                if (!turn.UpdatesPrompt)
                    message["response_type"] = "ephemeral";
                await PostAsync(click.ResponseUrl, message, ct);
                return;
            }

            if (turn.UpdatesPrompt)
            {
                var progress = SlackRenderer.Message(ChatReply.Info($"Confirmed by {user.Mention}; running {Replies.Code(turn.Run!.Verb)}…"));
                progress["replace_original"] = true;
                await PostAsync(click.ResponseUrl, progress, ct);
            }

            var result = SlackRenderer.Message(await turn.Run!.ExecuteAsync(ct));
            result["replace_original"] = false;
            await PostAsync(click.ResponseUrl, result, ct);
        });
    }

    private Task PostAsync(string? responseUrl, JsonObject message, CancellationToken cancellationToken) =>
        responseUrl is null ? Task.CompletedTask : slack.PostToResponseUrlAsync(responseUrl, message, cancellationToken);
}
