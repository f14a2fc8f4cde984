using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DockerOps.Chat.Slack;

public enum SlackSignatureCheck
{
    Valid,
    Missing,
    Expired,
    Mismatch,
    Replayed,
}

/// <summary>
/// Slack's request signing: HMAC-SHA256 over <c>v0:{timestamp}:{raw body}</c> with the signing
/// secret, compared in constant time; timestamps more than 5 minutes off are refused, and a
/// signature seen before is refused too (a captured request cannot be sent again within the window).
/// </summary>
public sealed class SlackSignatureVerifier(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public SlackSignatureCheck Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || !signature.StartsWith("v0=", StringComparison.Ordinal))
            return SlackSignatureCheck.Missing;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
            return SlackSignatureCheck.Missing;

        var now = clock.GetUtcNow();
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Window)
            return SlackSignatureCheck.Expired;

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            return SlackSignatureCheck.Mismatch;

        Forget(now);
        return _seen.TryAdd(signature, now + Window + Window) ? SlackSignatureCheck.Valid : SlackSignatureCheck.Replayed;
    }

    /// <summary><c>v0=</c> and the lowercase hex HMAC, as Slack sends it in <c>X-Slack-Signature</c>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    private void Forget(DateTimeOffset now)
    {
        // Signatures older than the window are refused by their timestamp anyway.
        if (_seen.Count < 1024)
            return;
        foreach (var (signature, until) in _seen)
        {
            if (until < now)
                _seen.TryRemove(signature, out _);
        }
    }
}
