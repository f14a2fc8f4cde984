using System.Globalization;

namespace DockerOps.Core.Common;

/// <summary>
/// Points in time as <c>docker logs --since</c> takes them: an RFC 3339 timestamp, Unix seconds,
/// or a duration back from now (<c>10m</c>, <c>1h30m</c>).
/// </summary>
public static class PointInTime
{
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();

        if (DockerDuration.TryParse(text, out var ago) && text != "0")
        {
            time = now - ago;
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds > 253402300799)
                return false;
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
