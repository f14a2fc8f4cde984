using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DockerOps.Core.Common;

/// <summary>Durations written the way the docker CLI writes them: <c>1s</c>, <c>1m30s</c>, <c>250ms</c>, <c>1h</c>.</summary>
public static partial class DockerDuration
{
    [GeneratedRegex(@"^(?:(?<value>\d+(?:\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(?<value>\d+(?:\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (text == "0")
            return true;
        if (!DurationPattern().IsMatch(text))
            return false;

        double ticks = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            var value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            ticks += part.Groups["unit"].Value switch
            {
                "ns" => value / 100,
                "us" or "µs" => value * 10,
                "ms" => value * TimeSpan.TicksPerMillisecond,
                "s" => value * TimeSpan.TicksPerSecond,
                "m" => value * TimeSpan.TicksPerMinute,
                _ => value * TimeSpan.TicksPerHour,
            };
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
            return false;
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Writes a duration back in the CLI's form (<c>1m30s</c>), for responses and messages.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
            return "0s";
        var text = new StringBuilder();
        if (duration.TotalHours >= 1)
            text.Append((long)duration.TotalHours).Append('h');
        if (duration.Minutes > 0)
            text.Append(duration.Minutes).Append('m');
        if (duration.Seconds > 0)
            text.Append(duration.Seconds).Append('s');
        if (duration.Milliseconds > 0)
            text.Append(duration.Milliseconds).Append("ms");
        return text.Length == 0 ? $"{duration.Ticks * 100}ns" : text.ToString();
    }
}

/// <summary>Byte sizes as <c>docker run --memory</c> takes them: <c>256m</c>, <c>1g</c>, <c>512k</c>, <c>1024</c> (binary units).</summary>
public static partial class ByteSize
{
    [GeneratedRegex(@"^(?<value>\d+(?:\.\d+)?)\s*(?<unit>[bkmgtp]?)(?:i?b)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success)
            return false;
        var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        var multiplier = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            "p" => 1L << 50,
            _ => 1L,
        };
        var result = value * multiplier;
        if (result > long.MaxValue)
            return false;
        bytes = (long)result;
        return true;
    }
}
