namespace DockerOps.Core.Alerts;

/// <summary>A button on an alert: what it says and the id that comes back when someone clicks it.</summary>
public sealed record AlertAction(string Label, string Verb, string Argument, bool Primary)
{
    public string Id => AlertActions.Id(Verb, Argument);
}

/// <summary>
/// The buttons an incident alert carries and the one id format for them, shared by whoever renders
/// the alert (alert delivery) and whoever handles the click (chat), which know nothing of each other.
/// A click runs the chat command <c>verb argument</c> as the person who clicked, with every usual check.
/// </summary>
public static class AlertActions
{
    public const string Prefix = "dockerops";
    public const string Run = "run";

    /// <summary>Discord caps custom_id at 100 characters (Slack's action_id allows 255).</summary>
    public const int MaxIdLength = 100;

    /// <summary>The verbs a button may run; nothing destructive, which would need a confirmation of its own.</summary>
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal) { "restart", "logs", "ack" };

    public static string Id(string verb, string argument) => $"{Prefix}:{Run}:{verb}:{argument}";

    public static bool TryParse(string id, out string verb, out string argument)
    {
        (verb, argument) = ("", "");
        if (id.Split(':') is not [Prefix, Run, var v, var a] || !Verbs.Contains(v) || a.Length == 0)
            return false;
        (verb, argument) = (v, a);
        return true;
    }

    /// <summary>
    /// Restart, Logs and Acknowledge for an incident opening or escalating; nothing for resolutions, tests
    /// and reports. A button whose id would be too long (an absurdly long name) is left off.
    /// </summary>
    public static IReadOnlyList<AlertAction> For(Alert alert)
    {
        if (alert.Kind is not (AlertKind.Opened or AlertKind.Escalated) || alert.IncidentId is not { Length: > 0 } incident || alert.ContainerName is not { Length: > 0 } container)
            return [];
        AlertAction[] actions =
        [
            new("Restart", "restart", container, Primary: true),
            new("Logs", "logs", container, Primary: false),
            new("Acknowledge", "ack", incident, Primary: false),
        ];
        return actions.Where(a => a.Id.Length <= MaxIdLength).ToList();
    }
}
