using System.Text.Json.Nodes;
using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Discord;

/// <summary>
/// The /docker application command, generated from the same registry the parser uses: one
/// subcommand per verb (aliases are text-only, since Discord allows 25), arguments as string
/// options (containers autocompleted), then the flags.
/// </summary>
public static class DiscordCommandRegistration
{
    private const int SubCommand = 1, StringOption = 3, IntegerOption = 4, BooleanOption = 5;

    public static JsonArray Commands(CommandRegistry registry)
    {
        var subcommands = new JsonArray();
        foreach (var command in registry.Commands)
        {
            var options = new JsonArray();
            foreach (var argument in command.Arguments.OrderByDescending(a => a.Required))
            {
                var option = new JsonObject
                {
                    ["type"] = StringOption,
                    ["name"] = argument.Name,
                    ["description"] = Describe(argument.Description),
                    ["required"] = argument.Required,
                };
                if (argument.Choices is { Count: > 0 } choices)
                    option["choices"] = new JsonArray(choices.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["value"] = c }).ToArray());
                else if (argument.Kind == ArgumentKind.Container)
                    option["autocomplete"] = true;
                options.Add(option);
            }

            foreach (var flag in command.Options)
            {
                var option = new JsonObject
                {
                    ["type"] = flag.Kind switch { OptionKind.Flag => BooleanOption, OptionKind.Integer => IntegerOption, _ => StringOption },
                    ["name"] = flag.Name,
                    ["description"] = Describe(flag.Description),
                    ["required"] = false,
                };
                if (flag.Kind == OptionKind.Integer)
                {
                    option["min_value"] = flag.Min;
                    option["max_value"] = flag.Max;
                }

                options.Add(option);
            }

            subcommands.Add(new JsonObject
            {
                ["type"] = SubCommand,
                ["name"] = command.Verb,
                ["description"] = Describe(command.Summary),
                ["options"] = options,
            });
        }

        return
        [
            new JsonObject
            {
                ["name"] = "docker",
                ["type"] = 1,
                ["description"] = "Operate Docker containers through DockerOps",
                ["options"] = subcommands,
            },
        ];
    }

    private static string Describe(string text) => text.Length <= 100 ? text : text[..99] + "…";
}
