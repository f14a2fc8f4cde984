using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using PublicKey = NSec.Cryptography.PublicKey;

namespace DockerOps.Chat.Discord;

/// <summary>
/// Discord's Ed25519 request signature over the timestamp followed by the raw body. Every failure
/// (missing header, bad hex, wrong length, wrong signature) is simply "not valid": Discord probes
/// endpoints with bad signatures and removes those that accept them or fall over.
/// </summary>
public sealed class DiscordSignatureVerifier
{
    private readonly PublicKey? _key;

    public DiscordSignatureVerifier(string? publicKeyHex)
    {
        _key = TryImport(publicKeyHex);
    }

    public bool Verify(string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (_key is null || string.IsNullOrEmpty(timestamp) || signatureHex is not { Length: 128 })
            return false;
        try
        {
            var signature = Convert.FromHexString(signatureHex);
            var prefix = Encoding.UTF8.GetBytes(timestamp);
            var message = new byte[prefix.Length + body.Length];
            prefix.CopyTo(message, 0);
            body.CopyTo(message.AsSpan(prefix.Length));
            return SignatureAlgorithm.Ed25519.Verify(_key, message, signature);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The bare Ed25519 check over a whole message (for the RFC 8032 vectors).</summary>
    internal bool VerifyMessage(ReadOnlySpan<byte> message, string signatureHex)
    {
        try
        {
            return _key is not null && SignatureAlgorithm.Ed25519.Verify(_key, message, Convert.FromHexString(signatureHex));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    public static bool Verify(string? publicKeyHex, string? signatureHex, string? timestamp, ReadOnlySpan<byte> body) =>
        new DiscordSignatureVerifier(publicKeyHex).Verify(signatureHex, timestamp, body);

    private static PublicKey? TryImport(string? hex)
    {
        if (hex is not { Length: 64 })
            return null;
        try
        {
            return PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(hex), KeyBlobFormat.RawPublicKey);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
        {
            return null;
        }
    }
}
