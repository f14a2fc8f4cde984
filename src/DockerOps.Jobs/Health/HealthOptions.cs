using DockerOps.Core.Incidents;
using Microsoft.Extensions.Options;

namespace DockerOps.Jobs.Health;

/// <summary>Settings under <c>Health:</c> for the health watch, incidents and auto-heal.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    public bool Enabled { get; set; } = true;

    /// <summary>Watch only containers with this label (<c>key</c> or <c>key=value</c>; several comma-separated). Empty: all.</summary>
    public string? Label { get; set; }

    public double ReconnectMinSeconds { get; set; } = 0.5;

    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>How often the container list is compared with what the events said, besides after every (re)connect.</summary>
    public double ReconcileSeconds { get; set; } = 30;

    public int RestartLoopCount { get; set; } = 3;

    public double RestartLoopWindowSeconds { get; set; } = 300;

    public double RecoveryGraceSeconds { get; set; } = 10;

    public AutoHealOptions AutoHeal { get; set; } = new();

    public IReadOnlyList<string> Labels =>
        (Label ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IncidentPolicy ToPolicy() => new(
        RestartLoopCount, TimeSpan.FromSeconds(RestartLoopWindowSeconds), TimeSpan.FromSeconds(RecoveryGraceSeconds), IncidentPolicy.Default.StopIntentWindow);
}

/// <summary>Settings under <c>Health:AutoHeal:</c>.</summary>
public sealed class AutoHealOptions
{
    /// <summary><c>labelled</c> (containers with <c>dockerops.autoheal=true</c>), <c>all</c> or <c>off</c>.</summary>
    public string Mode { get; set; } = "labelled";

    public int MaxRestarts { get; set; } = 3;

    public double WindowMinutes { get; set; } = 15;

    public double BackoffSeconds { get; set; } = 5;

    public int StopTimeoutSeconds { get; set; } = 10;

    public AutoHealPolicy ToPolicy() => new(
        Mode.ToLowerInvariant() switch { "all" => AutoHealMode.All, "off" => AutoHealMode.Off, _ => AutoHealMode.Labelled },
        MaxRestarts, TimeSpan.FromMinutes(WindowMinutes), TimeSpan.FromSeconds(BackoffSeconds), TimeSpan.FromSeconds(StopTimeoutSeconds));
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions o)
    {
        var failures = new List<string>();
        void Range(string setting, double value, double min, double max)
        {
            if (value < min || value > max)
                failures.Add($"Health:{setting} must be between {min} and {max} (got {value}).");
        }

        Range("ReconnectMinSeconds", o.ReconnectMinSeconds, 0.05, 60);
        Range("ReconnectMaxSeconds", o.ReconnectMaxSeconds, o.ReconnectMinSeconds, 600);
        Range("ReconcileSeconds", o.ReconcileSeconds, 1, 3600);
        Range("RestartLoopCount", o.RestartLoopCount, 1, 1000);
        Range("RestartLoopWindowSeconds", o.RestartLoopWindowSeconds, 1, 86400);
        Range("RecoveryGraceSeconds", o.RecoveryGraceSeconds, 0, 3600);
        Range("AutoHeal:MaxRestarts", o.AutoHeal.MaxRestarts, 0, 100);
        Range("AutoHeal:WindowMinutes", o.AutoHeal.WindowMinutes, 0.01, 1440);
        Range("AutoHeal:BackoffSeconds", o.AutoHeal.BackoffSeconds, 0, 3600);
        Range("AutoHeal:StopTimeoutSeconds", o.AutoHeal.StopTimeoutSeconds, 0, 600);
        if (o.AutoHeal.Mode.ToLowerInvariant() is not ("labelled" or "all" or "off"))
            failures.Add($"Health:AutoHeal:Mode must be labelled, all or off (got '{o.AutoHeal.Mode}').");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
