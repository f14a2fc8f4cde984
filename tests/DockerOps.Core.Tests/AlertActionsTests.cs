using DockerOps.Core.Alerts;
using DockerOps.Core.Incidents;

namespace DockerOps.Core.Tests;

public sealed class AlertActionsTests
{
    private static Alert Alert(AlertKind kind, string container = "api-1", string? incident = "abc123") =>
        new($"{incident}:{kind}", kind, incident, "local", "0123456789ab", container, IncidentCause.Unhealthy,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "api-1 is unhealthy", "is unhealthy", null, null, []);

    [Fact]
    public void An_opened_incident_gets_restart_logs_and_acknowledge_whose_ids_parse_back()
    {
        var actions = AlertActions.For(Alert(AlertKind.Opened));

        Assert.Equal(["Restart", "Logs", "Acknowledge"], actions.Select(a => a.Label));
        Assert.Equal(["dockerops:run:restart:api-1", "dockerops:run:logs:api-1", "dockerops:run:ack:abc123"], actions.Select(a => a.Id));
        Assert.All(actions, a =>
        {
            Assert.True(AlertActions.TryParse(a.Id, out var verb, out var argument));
            Assert.Equal((a.Verb, a.Argument), (verb, argument));
        });
    }

    [Theory]
    [InlineData(AlertKind.Resolved)]
    [InlineData(AlertKind.Test)]
    [InlineData(AlertKind.Report)]
    public void Resolutions_tests_and_reports_get_no_buttons(AlertKind kind) =>
        Assert.Empty(AlertActions.For(Alert(kind)));

    [Fact]
    public void An_alert_without_an_incident_gets_no_buttons_and_too_long_ids_are_left_off()
    {
        Assert.Empty(AlertActions.For(Alert(AlertKind.Escalated, incident: null)));
        var longName = new string('a', 90);
        Assert.Equal(["Acknowledge"], AlertActions.For(Alert(AlertKind.Escalated, container: longName)).Select(a => a.Label));
    }

    [Theory]
    [InlineData("dockerops:run:rm:api-1")]
    [InlineData("dockerops:run:restart:")]
    [InlineData("dockerops:confirm:token")]
    [InlineData("other:run:restart:api-1")]
    [InlineData("dockerops:run:restart:api:1")]
    public void Ids_that_are_not_an_alert_button_for_a_safe_verb_do_not_parse(string id) =>
        Assert.False(AlertActions.TryParse(id, out _, out _));
}
