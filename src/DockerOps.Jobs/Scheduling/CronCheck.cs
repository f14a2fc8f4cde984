using System.Reflection;
using Hangfire;

namespace DockerOps.Jobs.Scheduling;

/// <summary>
/// Checks a cron expression exactly as Hangfire will parse it (its bundled Cronos is internal), so
/// that a bad schedule fails start or a PUT instead of failing later inside the scheduler.
/// </summary>
public static class CronCheck
{
    private static readonly MethodInfo? Validate =
        typeof(RecurringJobManager).GetMethod("ValidateCronExpression", BindingFlags.NonPublic | BindingFlags.Static, [typeof(string)]);

    /// <summary>Null when the expression is valid; otherwise what is wrong with it.</summary>
    public static string? Problem(string cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
            return "it is empty";
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
            return $"it has {fields} fields; use 5 (minute hour day month weekday) or 6 (with seconds first)";
        if (Validate is null)
            return null;
        try
        {
            Validate.Invoke(null, [cron]);
            return null;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is ArgumentException argument)
        {
            return argument.InnerException?.Message ?? argument.Message;
        }
    }
}
