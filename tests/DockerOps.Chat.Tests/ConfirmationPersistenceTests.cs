using DockerOps.Chat.Commands;

namespace DockerOps.Chat.Tests;

/// <summary>
/// Confirmations are kept in SQLite in the data folder: a restart does not lose them, instances sharing
/// the folder share them, and a confirmation is consumed once however many clicks race for it.
/// </summary>
public sealed class ConfirmationPersistenceTests : IDisposable
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("dockerops-confirmations-").FullName;

    [Fact]
    public async Task A_confirmation_asked_before_a_restart_is_confirmed_after_it_by_the_asker_only()
    {
        string confirm;
        using (var before = Host())
        {
            var prompt = await before.RunAsync(ChatUnitHost.Slack("UADMIN"), "kill worker");
            Assert.Equal("Kill `worker`?", prompt.Headline);
            confirm = prompt.Buttons.Single(b => b.Label == "Confirm").ActionId;
            Assert.Empty(before.Engine.Actions);
        }

        using var after = Host();
        var notYours = await after.ClickAsync(ChatUnitHost.Slack("UADMIN2"), confirm);
        Assert.Equal("Only <@UADMIN> can confirm or cancel this.", notYours.Headline);
        var done = await after.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm);
        Assert.Equal("<@UADMIN> killed `worker`", done.Headline);
        Assert.Equal(["kill worker"], after.Engine.Actions);
    }

    [Fact]
    public async Task Two_instances_clicking_the_same_confirmation_at_once_run_it_exactly_once()
    {
        using var first = Host();
        using var second = Host();
        for (var round = 0; round < 10; round++)
        {
            var prompt = await first.RunAsync(ChatUnitHost.Slack("UADMIN"), "kill worker");
            var confirm = prompt.Buttons.Single(b => b.Label == "Confirm").ActionId;

            var answers = await Task.WhenAll(
                Task.Run(() => first.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm)),
                Task.Run(() => second.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm)));

            Assert.Single(answers, a => a.Headline == "<@UADMIN> killed `worker`");
            Assert.Single(answers, a => a.Headline == "This confirmation was already used or cancelled.");
        }

        Assert.Equal(10, first.Engine.Actions.Count + second.Engine.Actions.Count);
    }

    [Fact]
    public async Task A_stored_confirmation_still_expires_after_60_seconds()
    {
        using var host = Host();
        var prompt = await host.RunAsync(ChatUnitHost.Slack("UADMIN"), "rm old");
        var confirm = prompt.Buttons.Single(b => b.Label == "Confirm").ActionId;

        host.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.StartsWith("This confirmation expired after 60 s", (await host.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm)).Headline);
        Assert.Equal("This confirmation was already used or cancelled.", (await host.ClickAsync(ChatUnitHost.Slack("UADMIN"), confirm)).Headline);
    }

    [Fact]
    public void Arguments_stored_by_name_bind_back_to_the_same_command()
    {
        var registry = DockerCommands.Create();
        var now = DateTimeOffset.UnixEpoch;
        var asked = CommandParser.Parse(registry, "prune volumes --dry-run --label a=1 --label b", now);

        var stored = CommandParser.ParseNamed(registry, "prune", asked.Arguments!.ToNamed(), now);

        Assert.True(stored.IsOk, stored.Problem);
        Assert.Equal(asked.Arguments.ToString(), stored.Arguments!.ToString());
        Assert.Equal(["a=1", "b"], stored.Arguments.List("label"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }

    private ChatUnitHost Host() => new(new Dictionary<string, string?> { [ChatSetup.DataFolderSetting] = _dataFolder });
}
