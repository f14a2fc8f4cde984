using System.Globalization;
using System.Text.RegularExpressions;
using DockerOps.Core.Common;

namespace DockerOps.Core.Access;

/// <summary>
/// API keys: checking a presented key, and the admin use cases to create, list and revoke keys.
/// Managing keys needs an unrestricted admin: a scoped admin could otherwise mint a key wider than its own.
/// </summary>
public sealed partial class ApiKeyService(IApiKeyStore store, ActionGate gate, TimeProvider clock)
{
    public const string BootstrapName = "bootstrap-admin";

    /// <summary>Last-used is a hint, not an audit record: writing it at most once a minute keeps reads off the write path.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly byte[] NoSuchKeyHash = new byte[32];

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$")]
    private static partial Regex KeyNamePattern();

    [GeneratedRegex(@"^(\d{1,6})(m|h|d|w)$")]
    private static partial Regex RelativeExpiry();

    public async Task<KeyCheck> CheckAsync(string? presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(presented))
            return KeyCheck.Rejected(KeyRejection.Missing, "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

        var hash = ApiKeySecrets.Hash(presented.Trim());
        var stored = await store.FindAsync(ApiKeySecrets.IdOf(presented.Trim()), cancellationToken);
        // Compare even when nothing was found, so that timing does not tell whether an id exists.
        var matches = ApiKeySecrets.HashesMatch(stored?.Hash ?? NoSuchKeyHash, hash) && stored is not null;
        if (!matches)
            return KeyCheck.Rejected(KeyRejection.Unknown, "The API key is not valid.");

        var key = stored!.Key;
        var now = clock.GetUtcNow();
        if (key.Revoked is not null)
            return KeyCheck.Rejected(KeyRejection.Revoked, $"The API key '{key.Name}' was revoked.");
        if (key.Expires <= now)
            return KeyCheck.Rejected(KeyRejection.Expired, $"The API key '{key.Name}' expired at {key.Expires:O}.");

        if (key.LastUsed is null || now - key.LastUsed > LastUsedResolution)
        {
            try
            {
                await store.TouchAsync(key.Id, now, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A busy store must not lock people out; last-used is informational.
            }
        }

        return KeyCheck.Accepted(key with { LastUsed = now });
    }

    /// <summary>
    /// The key with this id while it still works (neither revoked nor expired): for sessions that carry a
    /// key's id rather than the key, such as the dashboard's cookie.
    /// </summary>
    public async Task<ApiKey?> FindActiveAsync(string id, CancellationToken cancellationToken)
    {
        var key = (await store.FindAsync(id, cancellationToken))?.Key;
        return key is { Revoked: null } && !(key.Expires <= clock.GetUtcNow()) ? key : null;
    }

    public Task<Result<CreatedApiKey>> CreateAsync(Actor actor, NewApiKey request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["name"] = request.Name,
            ["role"] = request.Role,
            ["scope"] = request.Scope?.ToCommandLine(),
            ["expires"] = request.Expires,
        };
        return gate.RunAsync<CreatedApiKey>(actor, Permission.KeysManage, "key.create", parameters, async audit =>
        {
            if (RequireUnrestricted(actor) is { } refused)
                return refused;
            var valid = Validate(request);
            if (!valid.IsOk)
                return valid.Error!;

            var (id, secret) = ApiKeySecrets.Generate();
            var record = new ApiKey(id, request.Name!, valid.Value.Role, request.Scope ?? AccessScope.Unrestricted, clock.GetUtcNow(), valid.Value.Expires, null, null);
            audit.TargetId = id;
            audit.TargetName = record.Name;
            if (!await store.AddAsync(record, ApiKeySecrets.Hash(secret), cancellationToken))
                return Error.Conflict($"An active key is already named '{record.Name}'.");
            return new CreatedApiKey(record, secret);
        }, cancellationToken);
    }

    public async Task<Result<IReadOnlyList<ApiKey>>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (await gate.AuthorizeReadAsync(actor, Permission.KeysManage, "key.list", cancellationToken) is { } denied)
            return denied;
        if (RequireUnrestricted(actor) is { } refused)
            return refused;
        return Ok(await store.ListAsync(cancellationToken));
    }

    /// <summary>Revokes by id, or by the name of an active key.</summary>
    public Task<Result<ApiKey>> RevokeAsync(Actor actor, string idOrName, CancellationToken cancellationToken) =>
        gate.RunAsync<ApiKey>(actor, Permission.KeysManage, "key.revoke", new Dictionary<string, string?> { ["key"] = idOrName }, async audit =>
        {
            if (RequireUnrestricted(actor) is { } refused)
                return refused;
            var keys = await store.ListAsync(cancellationToken);
            var key = keys.FirstOrDefault(k => k.Id == idOrName)
                ?? keys.FirstOrDefault(k => k.Name == idOrName && k.Revoked is null)
                ?? keys.FirstOrDefault(k => k.Name == idOrName);
            if (key is null)
                return Error.NotFound($"No key has the id or name '{idOrName}'.");
            audit.TargetId = key.Id;
            audit.TargetName = key.Name;
            if (key.Revoked is not null)
                return key;
            var now = clock.GetUtcNow();
            await store.RevokeAsync(key.Id, now, cancellationToken);
            return key with { Revoked = now };
        }, cancellationToken);

    /// <summary>
    /// Makes sure the key given at start (DOCKEROPS_ADMIN_KEY) works as an unrestricted admin. Idempotent;
    /// a changed value replaces the old one; a bootstrap key revoked by an admin stays revoked.
    /// </summary>
    public async Task<BootstrapOutcome> SeedBootstrapAsync(string key, CancellationToken cancellationToken)
    {
        key = key.Trim();
        var id = ApiKeySecrets.IdOf(key);
        var hash = ApiKeySecrets.Hash(key);
        var existing = await store.FindAsync(id, cancellationToken);
        if (existing is not null && ApiKeySecrets.HashesMatch(existing.Hash, hash))
            return existing.Key.Revoked is null ? BootstrapOutcome.Unchanged : BootstrapOutcome.Revoked;

        var system = new Actor("system", "DockerOps start-up", Channel.Cli, Role.Admin, AccessScope.Unrestricted);
        var result = await gate.RunAsync<BootstrapOutcome>(system, Permission.KeysManage, existing is null ? "key.bootstrap" : "key.bootstrap-rotate",
            new Dictionary<string, string?> { ["name"] = existing?.Key.Name ?? BootstrapName }, async audit =>
            {
                audit.TargetId = id;
                audit.TargetName = existing?.Key.Name ?? BootstrapName;
                if (existing is not null)
                {
                    await store.ReplaceHashAsync(id, hash, cancellationToken);
                    return Ok(BootstrapOutcome.Rotated);
                }

                // A bootstrap key with a new id replaces the previous one rather than adding a second admin.
                foreach (var previous in (await store.ListAsync(cancellationToken)).Where(k => k.Name == BootstrapName && k.Revoked is null))
                    await store.RevokeAsync(previous.Id, clock.GetUtcNow(), cancellationToken);
                var record = new ApiKey(id, BootstrapName, Role.Admin, AccessScope.Unrestricted, clock.GetUtcNow(), null, null, null);
                return await store.AddAsync(record, hash, cancellationToken)
                    ? Ok(BootstrapOutcome.Created)
                    : Error.Conflict($"An active key is already named '{BootstrapName}'.");
            }, cancellationToken);
        return result.IsOk ? result.Value : throw new InvalidOperationException(result.Error!.Detail);
    }

    /// <summary>Reads an expiry: a duration from now (<c>30d</c>, <c>12h</c>, <c>90m</c>, <c>2w</c>) or an RFC 3339 time.</summary>
    public static Result<DateTimeOffset?> ParseExpiry(string? text, DateTimeOffset now, string field = "expires")
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() is "never")
            return (DateTimeOffset?)null;
        text = text.Trim();
        var relative = RelativeExpiry().Match(text);
        DateTimeOffset at;
        if (relative.Success)
        {
            var amount = int.Parse(relative.Groups[1].Value, CultureInfo.InvariantCulture);
            at = now + relative.Groups[2].Value switch
            {
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
        }
        else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out at) || !text.Contains('T'))
        {
            return Error.Invalid(field, "expires must be a duration such as 30d, 12h or 90m, or an RFC 3339 time such as 2027-01-31T00:00:00Z.");
        }

        if (at <= now)
            return Error.Invalid(field, "expires must be in the future.");
        return (DateTimeOffset?)at.ToUniversalTime();
    }

    private Result<(Role Role, DateTimeOffset? Expires)> Validate(NewApiKey request)
    {
        if (request.Name is null || !KeyNamePattern().IsMatch(request.Name))
            return Error.Invalid("name", "A key name is required: 1 to 64 of [a-zA-Z0-9_.-], starting with a letter or digit.");
        if (request.Role is null || int.TryParse(request.Role, out _) || !Enum.TryParse<Role>(request.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role))
            return Error.Invalid("role", "role must be viewer, operator or admin.");
        var expires = ParseExpiry(request.Expires, clock.GetUtcNow());
        if (!expires.IsOk)
            return expires.Error!;
        return (role, expires.Value);
    }

    private static Result<T> Ok<T>(T value) => value;

    private static Error? RequireUnrestricted(Actor actor) =>
        actor.Scope.IsUnrestricted ? null : Error.Forbidden("Managing keys and reading the audit trail needs an admin key without a scope.");
}

public enum BootstrapOutcome
{
    Created,
    Unchanged,
    Rotated,
    Revoked,
}
