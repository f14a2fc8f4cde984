using System.Security.Cryptography;
using System.Text.Json;
using DockerOps.Chat.Commands;
using DockerOps.Chat.Identity;
using Microsoft.Data.Sqlite;

namespace DockerOps.Chat.Confirmations;

public enum ConfirmationDecision
{
    Confirm,
    Approve,
    Cancel,
}

/// <summary>A destructive command waiting for its requester's click (and, when configured, a second person's).</summary>
public sealed class PendingConfirmation(string token, ChatIdentity requester, ChatUser user, CommandDefinition definition, BoundArguments arguments, bool needsSecondApprover, DateTimeOffset expiresAt)
{
    public string Token => token;

    public ChatIdentity Requester => requester;

    public ChatUser User => user;

    public CommandDefinition Definition => definition;

    public BoundArguments Arguments => arguments;

    public bool NeedsSecondApprover => needsSecondApprover;

    public bool RequesterConfirmed { get; set; }

    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
}

public enum ConfirmationState
{
    /// <summary>Never issued, already used, or cancelled.</summary>
    Unknown,
    Expired,

    /// <summary>Someone other than the requester clicked Confirm or Cancel.</summary>
    NotYours,
    Cancelled,
    AwaitingApproval,

    /// <summary>The requester tried to be their own second approver.</summary>
    SelfApproval,

    /// <summary>The approver's role does not allow the command.</summary>
    ApproverNotAllowed,
    Ready,
}

public sealed record ConfirmationOutcome(ConfirmationState State, PendingConfirmation? Pending, ChatUser? Approver = null);

/// <summary>
/// Confirmations kept in SQLite (<c>chat.db</c> in the data folder), so that a restart does not lose them
/// and instances sharing the folder share them: single-use random tokens that expire (by
/// <see cref="TimeProvider"/>) and can only be confirmed by the user who asked. Each decision reads and
/// settles its row in one immediate (write-locked) transaction, so two clicks at once consume it once.
/// The requester's role is looked up again when they confirm: a mapping removed meanwhile ends it.
/// </summary>
public sealed class ConfirmationStore(string path, CommandRegistry registry, ChatIdentities identities, TimeProvider clock)
{
    public const string FileName = "chat.db";
    private const int MaxPending = 10_000;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS confirmations (
            token TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            display_name TEXT NOT NULL,
            roles TEXT NOT NULL,
            channel_id TEXT,
            verb TEXT NOT NULL,
            arguments TEXT NOT NULL,
            second_approver INTEGER NOT NULL,
            requester_confirmed INTEGER NOT NULL DEFAULT 0,
            expires_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS confirmations_expiry ON confirmations (expires_at);
        """;

    private readonly Lazy<string> _connectionString = new(() => Initialize(path));

    public PendingConfirmation Create(ChatIdentity requester, ChatUser user, CommandDefinition definition, BoundArguments arguments, bool needsSecondApprover, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var token = Base64Url(RandomNumberGenerator.GetBytes(16));
        var pending = new PendingConfirmation(token, requester, user, definition, arguments, needsSecondApprover, now + lifetime);
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, "DELETE FROM confirmations WHERE expires_at <= $now", ("$now", now.ToUnixTimeMilliseconds()));
        if (Scalar(connection, "SELECT COUNT(*) FROM confirmations") >= MaxPending)
            throw new InvalidOperationException("Too many confirmations are waiting.");
        Execute(connection, """
            INSERT INTO confirmations (token, platform, user_id, display_name, roles, channel_id, verb, arguments, second_approver, expires_at)
            VALUES ($token, $platform, $user, $name, $roles, $channel, $verb, $arguments, $second, $expires)
            """,
            ("$token", token), ("$platform", user.Platform.ToString()), ("$user", user.UserId), ("$name", user.DisplayName),
            ("$roles", JsonSerializer.Serialize(user.RoleIds)), ("$channel", user.ChannelId), ("$verb", definition.Verb),
            ("$arguments", JsonSerializer.Serialize(arguments.ToNamed())), ("$second", needsSecondApprover ? 1 : 0),
            ("$expires", pending.ExpiresAt.ToUnixTimeMilliseconds()));
        transaction.Commit();
        return pending;
    }

    public ConfirmationOutcome Decide(string token, ChatUser clicker, ChatIdentity? clickerIdentity, ConfirmationDecision decision, TimeSpan lifetime)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var outcome = Decide(connection, token, clicker, clickerIdentity, decision, lifetime);
        transaction.Commit();
        return outcome;
    }

    private ConfirmationOutcome Decide(SqliteConnection connection, string token, ChatUser clicker, ChatIdentity? clickerIdentity, ConfirmationDecision decision, TimeSpan lifetime)
    {
        var pending = Read(connection, token);
        if (pending is null)
            return new(ConfirmationState.Unknown, null);
        var now = clock.GetUtcNow();
        if (now >= pending.ExpiresAt)
        {
            Forget(connection, token);
            return new(ConfirmationState.Expired, pending);
        }

        var isRequester = clicker.Platform == pending.User.Platform && clicker.UserId == pending.User.UserId;
        switch (decision)
        {
            case ConfirmationDecision.Cancel:
                if (!isRequester)
                    return new(ConfirmationState.NotYours, pending);
                Forget(connection, token);
                return new(ConfirmationState.Cancelled, pending);

            case ConfirmationDecision.Confirm:
                if (!isRequester)
                    return new(ConfirmationState.NotYours, pending);
                if (pending.NeedsSecondApprover)
                {
                    pending.RequesterConfirmed = true;
                    pending.ExpiresAt = now + lifetime;
                    Execute(connection, "UPDATE confirmations SET requester_confirmed = 1, expires_at = $expires WHERE token = $token",
                        ("$expires", pending.ExpiresAt.ToUnixTimeMilliseconds()), ("$token", token));
                    return new(ConfirmationState.AwaitingApproval, pending);
                }

                Forget(connection, token);
                return new(ConfirmationState.Ready, pending);

            default:
                if (!pending.NeedsSecondApprover || !pending.RequesterConfirmed)
                    return new(ConfirmationState.Unknown, null);
                if (isRequester)
                    return new(ConfirmationState.SelfApproval, pending);
                if (clickerIdentity is null || !clickerIdentity.Actor.May(pending.Definition.Permission))
                    return new(ConfirmationState.ApproverNotAllowed, pending);
                Forget(connection, token);
                return new(ConfirmationState.Ready, pending, clicker);
        }
    }

    /// <summary>The waiting confirmation as it was asked for; null when unknown, or when it can no longer be run as asked.</summary>
    private PendingConfirmation? Read(SqliteConnection connection, string token)
    {
        using var command = Command(connection, """
            SELECT platform, user_id, display_name, roles, channel_id, verb, arguments, second_approver, requester_confirmed, expires_at
            FROM confirmations WHERE token = $token
            """, ("$token", token));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        var user = new ChatUser(
            Enum.Parse<ChatPlatform>(reader.GetString(0)), reader.GetString(1), reader.GetString(2),
            JsonSerializer.Deserialize<List<string>>(reader.GetString(3)) ?? [], reader.IsDBNull(4) ? null : reader.GetString(4));
        var named = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? [];
        var parsed = CommandParser.ParseNamed(registry, reader.GetString(5), named, clock.GetUtcNow());
        var requester = identities.Resolve(user);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9));
        var secondApprover = reader.GetInt64(7) == 1;
        var confirmed = reader.GetInt64(8) == 1;
        reader.Close();
        if (!parsed.IsOk || requester is null)
        {
            Forget(connection, token);
            return null;
        }

        return new PendingConfirmation(token, requester, user, parsed.Definition!, parsed.Arguments!, secondApprover, expiresAt) { RequesterConfirmed = confirmed };
    }

    private static void Forget(SqliteConnection connection, string token) =>
        Execute(connection, "DELETE FROM confirmations WHERE token = $token", ("$token", token));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString.Value);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=10000;");
        return connection;
    }

    private static string Initialize(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 10 }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; " + Schema);
        return connectionString;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return (long)command.ExecuteScalar()!;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
