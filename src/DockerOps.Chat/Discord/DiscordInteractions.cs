using System.Text.Json;
using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;
using DockerOps.Core.Containers;
using Microsoft.Extensions.Options;
using DockerOps.Chat.Identity;

namespace DockerOps.Chat.Discord;

/// <summary>The callback to send at once, and what to do once it is sent (edit the deferred answer, post a follow-up).</summary>
public sealed record DiscordAnswer(JsonObject Callback, Func<CancellationToken, Task>? AfterCallback = null);

/// <summary>
/// Discord interactions, the same whether they came over the gateway or the HTTP endpoint:
/// slash commands (answered inline, or deferred with type 5 and then PATCH @original), button
/// clicks (type 7 updates the prompt), and autocomplete of container names within the caller's scope.
/// </summary>
public sealed class DiscordInteractions(
    ChatCommandRunner runner, ChatDelivery delivery, DiscordRestClient discord, ContainerService containers, IOptions<ChatOptions> options, TimeProvider clock)
{
    private const int MaxChoices = 25;

    public async Task<DiscordAnswer> AnswerAsync(JsonObject interaction)
    {
        var type = Int(interaction["type"]);
        return type switch
        {
            1 => new DiscordAnswer(new JsonObject { ["type"] = 1 }),
            2 => await CommandAsync(interaction),
            3 => Click(interaction),
            4 => new DiscordAnswer(await AutocompleteAsync(interaction)),
            _ => Reply(4, ChatReply.Error("DockerOps does not handle this kind of interaction.")),
        };
    }

    internal static ChatUser? User(JsonObject interaction)
    {
        var user = interaction["member"]?["user"] ?? interaction["user"];
        var id = Text(user?["id"]);
        if (id is null)
            return null;
        var roles = interaction["member"]?["roles"] is JsonArray array ? array.Select(Text).OfType<string>().ToList() : [];
        var name = Text(interaction["member"]?["nick"]) ?? Text(user?["global_name"]) ?? Text(user?["username"]) ?? id;
        return new ChatUser(ChatPlatform.Discord, id, name, roles, Text(interaction["channel_id"]));
    }

    private async Task<DiscordAnswer> CommandAsync(JsonObject interaction)
    {
        var user = User(interaction);
        var token = Text(interaction["token"]);
        if (user is null || token is null)
            return Reply(4, ChatReply.Error("This interaction names no user."));

        var (verb, values) = Subcommand(interaction["data"]);
        var turn = runner.Begin(user, verb is null ? ChatInput.FromText("help") : ChatInput.FromOptions(verb, values));
        if (turn.Immediate is { } immediate)
            return Reply(4, immediate);

        var run = turn.Run!;
        var (inline, execution) = await delivery.StartAsync(run);
        if (inline is not null)
            return Reply(4, inline);

        var deferred = new JsonObject { ["type"] = 5, ["data"] = new JsonObject() };
        if (!run.InChannel)
            deferred["data"]!["flags"] = DiscordRenderer.Ephemeral;
        return new DiscordAnswer(deferred, async ct => await discord.EditOriginalAsync(token, DiscordRenderer.Message(await execution), ct));
    }

    private DiscordAnswer Click(JsonObject interaction)
    {
        var user = User(interaction);
        var token = Text(interaction["token"]);
        var customId = Text(interaction["data"]?["custom_id"]);
        if (user is null || token is null || customId is null)
            return Reply(4, ChatReply.Error("This click names no user or button."));

        var turn = runner.Click(user, customId);
        if (turn.Immediate is { } immediate)
            return turn.UpdatesPrompt ? Reply(7, immediate with { InChannel = true }) : Reply(4, immediate with { InChannel = false });

        var run = turn.Run!;
        if (!turn.UpdatesPrompt)
        {
            // An alert's button: the alert stays, the answer comes as a new (deferred) message.
            var execution = run.ExecuteAsync(CancellationToken.None);
            var deferred = new JsonObject { ["type"] = 5, ["data"] = run.InChannel ? new JsonObject() : new JsonObject { ["flags"] = DiscordRenderer.Ephemeral } };
            return new DiscordAnswer(deferred, async ct => await discord.EditOriginalAsync(token, DiscordRenderer.Message(await execution, keepComponents: false), ct));
        }

        var progress = Reply(7, ChatReply.Info($"Confirmed by {user.Mention}; running {Replies.Code(run.Verb)}…") with { InChannel = true });
        var confirmed = run.ExecuteAsync(CancellationToken.None);
        return progress with { AfterCallback = async ct => await discord.FollowUpAsync(token, DiscordRenderer.Message(await confirmed, keepComponents: false), ct) };
    }

    private async Task<JsonObject> AutocompleteAsync(JsonObject interaction)
    {
        var choices = new JsonArray();
        var answer = new JsonObject { ["type"] = 8, ["data"] = new JsonObject { ["choices"] = choices } };
        var user = User(interaction);
        var identity = user is null ? null : runner.Identify(user);
        var (_, _, focused) = Focused(interaction["data"]);
        if (identity is null || focused is null)
            return answer;

        // Autocomplete must answer within 3 s too; a slow engine gets an empty list rather than a late one.
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Value.InlineBudgetMilliseconds), clock);
        try
        {
            var listed = await containers.ListAsync(identity.Actor, new ContainerQuery(All: true), null, budget.Token);
            if (!listed.IsOk)
                return answer;
            foreach (var name in listed.Value.Select(c => c.Name)
                         .Where(n => n.Contains(focused, StringComparison.OrdinalIgnoreCase))
                         .OrderBy(n => !n.StartsWith(focused, StringComparison.OrdinalIgnoreCase)).ThenBy(n => n, StringComparer.Ordinal)
                         .Take(MaxChoices))
                choices.Add(new JsonObject { ["name"] = name, ["value"] = name });
        }
        catch (Exception ex) when (ex is OperationCanceledException or DockerOps.Core.Engines.EngineException)
        {
            choices.Clear();
        }

        return answer;
    }

    /// <summary>The subcommand of /docker and its options as text, whatever their JSON type.</summary>
    internal static (string? Verb, Dictionary<string, string> Values) Subcommand(JsonNode? data)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sub = data?["options"] is JsonArray options ? options.FirstOrDefault(o => Int(o?["type"]) == 1) : null;
        if (sub is null)
            return (null, values);
        if (sub["options"] is JsonArray subOptions)
        {
            foreach (var option in subOptions)
            {
                if (Text(option?["name"]) is { } name && option?["value"] is JsonValue value)
                    values[name] = value.GetValueKind() switch
                    {
                        JsonValueKind.String => value.GetValue<string>(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => value.ToJsonString(),
                    };
            }
        }

        return (Text(sub["name"]), values);
    }

    private static (string? Verb, string? Option, string? Typed) Focused(JsonNode? data)
    {
        var sub = data?["options"] is JsonArray options ? options.FirstOrDefault(o => Int(o?["type"]) == 1) : null;
        var focused = sub?["options"] is JsonArray subOptions ? subOptions.FirstOrDefault(o => o?["focused"] is JsonValue f && f.GetValueKind() == JsonValueKind.True) : null;
        return focused is null ? (null, null, null) : (Text(sub!["name"]), Text(focused["name"]), focused["value"] is JsonValue v ? v.ToString() : "");
    }

    private static DiscordAnswer Reply(int type, ChatReply reply) =>
        new(new JsonObject { ["type"] = type, ["data"] = DiscordRenderer.Message(reply, keepComponents: type == 7) });

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int Int(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : -1;
}
