using DockerOps.Chat.Commands;
using DockerOps.Chat.Discord;
using DockerOps.Chat.Identity;
using DockerOps.Chat.Slack;
using Microsoft.Extensions.Options;

namespace DockerOps.Chat;

/// <summary>
/// Alerts for the channels in <c>Chat:AlertChannels</c>, with Restart / Logs / Acknowledge buttons.
/// A click runs the command as the person who clicked, with their role and scope, like typing it.
/// </summary>
public sealed class ChatAlerts(
    IOptions<ChatOptions> chat, IOptions<SlackOptions> slackOptions, IOptions<DiscordOptions> discordOptions, SlackApiClient slack, DiscordRestClient discord)
{
    private const int MaxButtonIdLength = 100;

    public static ChatReply ContainerAlert(string container, string headline, IReadOnlyList<string> lines, string? incidentId = null)
    {
        var buttons = new List<ChatButton>
        {
            new("Restart", Run("restart", container), ChatButtonStyle.Primary),
            new("Logs", Run("logs", container), ChatButtonStyle.Secondary),
        };
        if (incidentId is not null)
            buttons.Add(new ChatButton("Acknowledge", Run("ack", incidentId), ChatButtonStyle.Secondary));
        return new ChatReply(ReplyTone.Warning, headline, lines)
        {
            InChannel = true,
            // Discord caps custom_id at 100 characters; an alert for an absurdly long name goes without buttons.
            Buttons = buttons.Where(b => b.ActionId.Length <= MaxButtonIdLength).ToList(),
        };
    }

    public async Task PostAsync(ChatReply alert, CancellationToken cancellationToken)
    {
        var channels = chat.Value.AlertChannels;
        if (slackOptions.Value.Enabled && !string.IsNullOrWhiteSpace(channels.Slack))
        {
            var message = SlackRenderer.Message(alert);
            message.Remove("response_type");
            await slack.PostMessageAsync(channels.Slack, message, cancellationToken);
        }

        if (discordOptions.Value.Enabled && !string.IsNullOrWhiteSpace(channels.Discord))
            await discord.CreateMessageAsync(channels.Discord, DiscordRenderer.Message(alert with { InChannel = true }), cancellationToken);
    }

    private static string Run(string verb, string argument) =>
        $"{ChatCommandRunner.ButtonPrefix}:{ChatCommandRunner.RunButton}:{verb}:{argument}";
}
