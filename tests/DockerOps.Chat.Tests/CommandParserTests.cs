using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Tests;

public sealed class CommandParserTests
{
    private static readonly CommandRegistry Registry = DockerCommands.Create();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Quotes_group_words_and_curly_quotes_count_as_quotes()
    {
        Assert.True(CommandTokenizer.TryTokenize("ps \"my app\" 'two words' \u201Cphone quotes\u201D a\\ b", out var words, out _));
        Assert.Equal(["ps", "my app", "two words", "phone quotes", "a b"], words);
    }

    [Fact]
    public void An_unclosed_quote_is_a_problem_not_an_exception()
    {
        var outcome = CommandParser.Parse(Registry, "logs \"api", Now);
        Assert.False(outcome.IsOk);
        Assert.Contains("quote", outcome.Problem);
    }

    [Fact]
    public void Logs_takes_tail_and_since_in_either_spelling()
    {
        var outcome = CommandParser.Parse(Registry, "logs api --tail 20 --since=10m", Now);

        Assert.True(outcome.IsOk, outcome.Problem);
        Assert.Equal("logs", outcome.Definition!.Verb);
        Assert.Equal("api", outcome.Arguments!.Text("container"));
        Assert.Equal(20, outcome.Arguments.Integer("tail"));
        Assert.Equal(Now.AddMinutes(-10), outcome.Arguments.Time("since"));
    }

    [Theory]
    [InlineData("logs api --tail", "`--tail` needs a value.")]
    [InlineData("logs api --tail lots", "`--tail` must be a whole number from 1 to 500 (got `lots`).")]
    [InlineData("logs api --since yesterday", "`--since` must be a duration back from now")]
    [InlineData("logs api --follow", "`logs` has no option `--follow`.")]
    [InlineData("restart", "`<container>` is required.")]
    [InlineData("restart a b", "`restart` takes at most 1 argument(s).")]
    [InlineData("prune everything", "`everything` is not one of containers, images, volumes, networks, system.")]
    [InlineData("silence api forever", "`<duration>` must be a duration such as 30m or 2h (got `forever`).")]
    [InlineData("logs api --tail 5 --tail 6", "`--tail` is given twice.")]
    public void Bad_arguments_name_the_problem_and_keep_the_command_for_its_usage(string text, string problem)
    {
        var outcome = CommandParser.Parse(Registry, text, Now);

        Assert.False(outcome.IsOk);
        Assert.StartsWith(problem, outcome.Problem);
        Assert.NotNull(outcome.Definition);
    }

    [Fact]
    public void Unknown_verbs_are_echoed_safely_and_have_no_command()
    {
        var outcome = CommandParser.Parse(Registry, "restrat `api`" + new string('x', 100), Now);

        Assert.False(outcome.IsOk);
        Assert.Null(outcome.Definition);
        Assert.DoesNotContain("``", outcome.Problem![8..]);
        Assert.True(outcome.Problem.Length < 80);
    }

    [Fact]
    public void Empty_input_means_help_and_aliases_find_their_command()
    {
        Assert.Equal("help", CommandParser.Parse(Registry, "   ", Now).Definition!.Verb);
        Assert.Equal("status", CommandParser.Parse(Registry, "INSPECT api", Now).Definition!.Verb);
    }

    [Fact]
    public void Prune_takes_its_target_and_dry_run_switch()
    {
        var outcome = CommandParser.Parse(Registry, "prune Images --dry-run", Now);

        Assert.True(outcome.IsOk, outcome.Problem);
        Assert.Equal("images", outcome.Arguments!.Text("target"));
        Assert.True(outcome.Arguments.Flag("dry-run"));
    }

    [Fact]
    public void Discord_options_bind_by_name_to_the_same_arguments()
    {
        var outcome = CommandParser.ParseNamed(Registry, "logs", new Dictionary<string, string> { ["container"] = "api", ["tail"] = "7" }, Now);

        Assert.True(outcome.IsOk, outcome.Problem);
        Assert.Equal("api", outcome.Arguments!.Text("container"));
        Assert.Equal(7, outcome.Arguments.Integer("tail"));
    }

    [Fact]
    public void Every_verb_of_the_issue_is_known()
    {
        string[] verbs = ["help", "ps", "status", "inspect", "logs", "stats", "health", "start", "stop", "restart", "pause", "unpause", "kill", "rm",
            "prune", "volumes", "networks", "images", "df", "posture", "jobs", "run", "incidents", "ack", "silence", "whoami"];
        Assert.All(verbs, verb => Assert.NotNull(Registry.Find(verb)));
        Assert.Equal(["run", "ack", "silence"], new[] { "jobs", "run", "incidents", "ack", "silence" }.Where(v => Registry.Find(v)!.Effect == CommandEffect.Change));
    }
}

public sealed class PruneAndResourceCommandTests
{
    private static readonly CommandRegistry Registry = DockerCommands.Create();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Label_repeats_and_collects_every_selector_in_order()
    {
        var outcome = CommandParser.Parse(Registry, "prune volumes --label dockerops.test=run-1 --dry-run --label=team", Now);

        Assert.True(outcome.IsOk, outcome.Problem);
        Assert.Equal("volumes", outcome.Arguments!.Text("target"));
        Assert.True(outcome.Arguments.Flag("dry-run"));
        Assert.Equal(["dockerops.test=run-1", "team"], outcome.Arguments.List("label"));
        Assert.Equal("volumes --dry-run --label dockerops.test=run-1 --label team", outcome.Arguments.ToString());
    }

    [Fact]
    public void Discord_gives_labels_comma_separated()
    {
        var outcome = CommandParser.ParseNamed(Registry, "prune", new Dictionary<string, string> { ["target"] = "networks", ["label"] = "a=1, b" }, Now);

        Assert.True(outcome.IsOk, outcome.Problem);
        Assert.Equal(["a=1", "b"], outcome.Arguments!.List("label"));
    }

    [Theory]
    [InlineData("prune", "`<target>` is required.")]
    [InlineData("prune everything", "`everything` is not one of containers, images, volumes, networks, system.")]
    [InlineData("prune images --label", "`--label` needs a value.")]
    [InlineData("prune images --label =x", "`--label` takes a label selector, key or key=value (got `=x`).")]
    [InlineData("volumes extra", "`volumes` takes at most 0 argument(s).")]
    public void Bad_prune_and_list_input_is_a_problem(string text, string problem)
    {
        var outcome = CommandParser.Parse(Registry, text, Now);

        Assert.False(outcome.IsOk);
        Assert.Equal(problem, outcome.Problem);
    }

    [Fact]
    public void Prune_asks_first_and_is_a_change()
    {
        Assert.NotNull(Registry.Find("prune")!.Confirmation);
        Assert.Equal(CommandEffect.Change, Registry.Find("prune")!.Effect);
    }
}
