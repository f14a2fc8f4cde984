using System.Security.Cryptography;
using System.Text;

namespace DockerOps.Core.Access;

/// <summary>
/// An API key as stored: who it stands for and for how long. The key itself is never kept,
/// only its hash (see <see cref="ApiKeySecrets"/>).
/// </summary>
public sealed record ApiKey(
    string Id,
    string Name,
    Role Role,
    AccessScope Scope,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? LastUsed,
    DateTimeOffset? Revoked)
{
    public bool IsActive(DateTimeOffset now) => Revoked is null && (Expires is null || Expires > now);

    public Actor ToActor(Channel channel) => new(Id, Name, channel, Role, Scope);
}

/// <summary>
/// Key material: <c>dko_</c>, a 12-character public id, <c>_</c>, and 256 random bits in base64url.
/// The id is not secret and finds the stored record; the hash is compared in constant time.
/// SHA-256 (not a slow password hash) is enough because the secret part is 256 random bits, not a password.
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "dko_";

    /// <summary>Keys supplied from outside (DOCKEROPS_ADMIN_KEY in any format) are filed under this id.</summary>
    public const string BootstrapId = "bootstrap";

    private const int IdLength = 12;
    private const int SecretBytes = 32;

    public static (string Id, string Key) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (id, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The id a presented key is filed under: its own for generated keys, <see cref="BootstrapId"/> otherwise.</summary>
    public static string IdOf(string key) =>
        key.Length > Prefix.Length + IdLength + 1
        && key.StartsWith(Prefix, StringComparison.Ordinal)
        && key[Prefix.Length + IdLength] == '_'
        && !key.AsSpan(Prefix.Length, IdLength).ContainsAnyExcept("0123456789abcdef")
            ? key.Substring(Prefix.Length, IdLength)
            : BootstrapId;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool HashesMatch(byte[] stored, byte[] presented) => CryptographicOperations.FixedTimeEquals(stored, presented);
}

/// <summary>The stored record with its hash, for verification only.</summary>
public sealed record StoredApiKey(ApiKey Key, byte[] Hash);

/// <summary>The port to the key store.</summary>
public interface IApiKeyStore
{
    /// <summary>Returns false when an active key already has that name.</summary>
    Task<bool> AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken);

    Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gives an existing record a new hash and makes it active again (bootstrap key rotation).</summary>
    Task ReplaceHashAsync(string id, byte[] hash, CancellationToken cancellationToken);

    Task TouchAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

public enum KeyRejection
{
    Missing,
    Unknown,
    Expired,
    Revoked,
}

/// <summary>The outcome of checking a presented key: the key, or why it was refused.</summary>
public sealed record KeyCheck(ApiKey? Key, KeyRejection? Rejection, string? Detail)
{
    public static KeyCheck Accepted(ApiKey key) => new(key, null, null);

    public static KeyCheck Rejected(KeyRejection rejection, string detail) => new(null, rejection, detail);
}

/// <summary>What a caller asks for when creating a key; the role and expiry in their text forms so that errors name them.</summary>
public sealed record NewApiKey(string? Name, string? Role, AccessScope? Scope, string? Expires);

/// <summary>A created key: the record and, this once, the key itself.</summary>
public sealed record CreatedApiKey(ApiKey Record, string Key);
