using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Slack;

/// <summary>Replies as Slack messages: mrkdwn sections, a code block, and an actions block for buttons.</summary>
public static partial class SlackRenderer
{
    private const int MaxSectionChars = 2900;

    [GeneratedRegex(@"<@[A-Za-z0-9]+>|[&<>]")]
    private static partial Regex Escapable();

    public static JsonObject Message(ChatReply reply)
    {
        var text = new StringBuilder();
        text.Append(Icon(reply.Tone)).Append('*').Append(Escape(reply.Headline)).Append('*');
        foreach (var line in reply.Lines)
            text.Append('\n').Append(Escape(line));

        var blocks = new JsonArray { Section(Clamp(text.ToString())) };
        if (reply.Code is { Length: > 0 } code)
            blocks.Add(Section("```" + Clamp(Escape(code.Replace("```", "'''", StringComparison.Ordinal))) + "```"));
        if (reply.Buttons.Count > 0)
        {
            var elements = new JsonArray();
            foreach (var button in reply.Buttons)
            {
                var element = new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = button.Label },
                    ["action_id"] = button.ActionId,
                    ["value"] = button.ActionId,
                };
                if (button.Style != ChatButtonStyle.Secondary)
                    element["style"] = button.Style == ChatButtonStyle.Danger ? "danger" : "primary";
                elements.Add(element);
            }

            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
        }

        return new JsonObject
        {
            ["response_type"] = reply.InChannel ? "in_channel" : "ephemeral",
            ["text"] = Clamp(Escape(reply.Headline)),
            ["blocks"] = blocks,
        };
    }

    /// <summary>Slack wants &amp;, &lt; and &gt; escaped everywhere; mentions stay as they are.</summary>
    public static string Escape(string text) => Escapable().Replace(text, m => m.Value switch
    {
        "&" => "&amp;",
        "<" => "&lt;",
        ">" => "&gt;",
        _ => m.Value,
    });

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };

    private static string Icon(ReplyTone tone) => tone switch
    {
        ReplyTone.Success => ":white_check_mark: ",
        ReplyTone.Warning => ":warning: ",
        ReplyTone.Error => ":x: ",
        _ => "",
    };

    private static string Clamp(string text) => text.Length <= MaxSectionChars ? text : text[..MaxSectionChars] + "…";
}
