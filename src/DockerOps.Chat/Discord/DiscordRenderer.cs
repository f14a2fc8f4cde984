using System.Text;
using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Discord;

/// <summary>Replies as Discord message data: the headline as content, details in an embed, buttons in an action row.</summary>
public static class DiscordRenderer
{
    public const int Ephemeral = 64;
    private const int MaxContent = 1900;
    private const int MaxDescription = 3900;

    public static JsonObject Message(ChatReply reply, bool keepComponents = true)
    {
        var data = new JsonObject
        {
            ["content"] = Clamp(Icon(reply.Tone) + "**" + reply.Headline + "**", MaxContent),
            // Mentions are shown but nobody is pinged by a bot's report.
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
        if (!reply.InChannel)
            data["flags"] = Ephemeral;

        var description = new StringBuilder(string.Join('\n', reply.Lines));
        if (reply.Code is { Length: > 0 } code)
            description.Append(description.Length > 0 ? "\n" : "").Append("```\n").Append(Clamp(code.Replace("```", "'''", StringComparison.Ordinal), MaxDescription - 200)).Append("\n```");
        data["embeds"] = description.Length == 0
            ? new JsonArray()
            : new JsonArray { new JsonObject { ["description"] = Clamp(description.ToString(), MaxDescription), ["color"] = Colour(reply.Tone) } };

        if (reply.Buttons.Count > 0 || keepComponents)
        {
            var buttons = new JsonArray();
            foreach (var button in reply.Buttons)
            {
                buttons.Add(new JsonObject
                {
                    ["type"] = 2,
                    ["style"] = button.Style switch { ChatButtonStyle.Danger => 4, ChatButtonStyle.Primary => 1, _ => 2 },
                    ["label"] = button.Label,
                    ["custom_id"] = button.ActionId,
                });
            }

            data["components"] = buttons.Count == 0 ? new JsonArray() : new JsonArray { new JsonObject { ["type"] = 1, ["components"] = buttons } };
        }

        return data;
    }

    private static string Icon(ReplyTone tone) => tone switch
    {
        ReplyTone.Success => "✅ ",
        ReplyTone.Warning => "⚠️ ",
        ReplyTone.Error => "❌ ",
        _ => "",
    };

    private static int Colour(ReplyTone tone) => tone switch
    {
        ReplyTone.Success => 0x2EB67D,
        ReplyTone.Warning => 0xECB22E,
        ReplyTone.Error => 0xE01E5A,
        _ => 0x5865F2,
    };

    private static string Clamp(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
