using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DockerOps.Core.Access;
using Microsoft.Data.Sqlite;

namespace DockerOps.Api.Storage;

/// <summary>
/// The audit trail in <c>audit.db</c>. Append-only (triggers refuse UPDATE and DELETE) and
/// tamper-evident: each record stores SHA-256 over the previous record's hash and its own canonical
/// content, so editing, removing or reordering any record breaks the chain at that record.
/// Any failure to write surfaces as <see cref="AuditUnavailableException"/>, so actions fail closed.
/// </summary>
public sealed class SqliteAuditTrail(SqliteDatabase database) : IAuditTrail, IAuditReader
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            channel TEXT NOT NULL,
            action TEXT NOT NULL,
            engine TEXT,
            target_id TEXT,
            target_name TEXT,
            parameters TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT,
            duration_ms INTEGER NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
        CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """;

    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const string Columns = "seq, time, actor_id, actor_name, channel, action, engine, target_id, target_name, parameters, outcome, reason, duration_ms, prev_hash, hash";

    // One writer at a time in this process, so that reading the last hash and appending are one step.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteDatabase Database => database;

    public async Task EnsureWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException("The audit store cannot be written.", ex);
        }
    }

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE: the write lock is taken before the last hash is read.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            long previousSequence = 0;
            var previousHash = GenesisHash;
            await using (var last = connection.CreateCommand())
            {
                last.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
                await using var reader = await last.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    previousSequence = reader.GetInt64(0);
                    previousHash = reader.GetString(1);
                }
            }

            var row = Row.From(previousSequence + 1, record, previousHash);
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = $"INSERT INTO audit ({Columns}) VALUES ($seq, $time, $actor_id, $actor_name, $channel, $action, $engine, $target_id, $target_name, $parameters, $outcome, $reason, $duration_ms, $prev_hash, $hash)";
                insert.With("$seq", row.Sequence).With("$time", row.Time).With("$actor_id", row.ActorId).With("$actor_name", row.ActorName)
                    .With("$channel", row.Channel).With("$action", row.Action).With("$engine", row.Engine).With("$target_id", row.TargetId)
                    .With("$target_name", row.TargetName).With("$parameters", row.Parameters).With("$outcome", row.Outcome).With("$reason", row.Reason)
                    .With("$duration_ms", row.DurationMs).With("$prev_hash", row.PreviousHash).With("$hash", row.ComputeHash());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException("The audit store cannot be written.", ex);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        var where = Filter(count, query);
        count.CommandText = $"SELECT COUNT(*) FROM audit {where}";
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var select = connection.CreateCommand();
        Filter(select, query);
        select.CommandText = $"SELECT {Columns} FROM audit {where} ORDER BY seq DESC LIMIT $limit OFFSET $offset";
        select.With("$limit", query.Limit).With("$offset", query.Offset);
        var records = new List<ChainedAuditRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            records.Add(Row.Read(reader).ToRecord());
        return new AuditPage(records, total, query.Offset, query.Limit);
    }

    public async IAsyncEnumerable<ChainedAuditRecord> ExportAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        var where = Filter(select, query);
        select.CommandText = $"SELECT {Columns} FROM audit {where} ORDER BY seq";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return Row.Read(reader).ToRecord();
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM audit ORDER BY seq";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        long checkedCount = 0, previousSequence = 0;
        var previousHash = GenesisHash;
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = Row.Read(reader);
            string? problem = null;
            if (row.Sequence != previousSequence + 1)
                problem = $"records {previousSequence + 1} to {row.Sequence - 1} are missing";
            else if (row.PreviousHash != previousHash)
                problem = $"it does not link to record {previousSequence} (a record was replaced or removed)";
            else if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(row.ComputeHash()), Encoding.ASCII.GetBytes(row.Hash)))
                problem = "its content does not match its hash (the record was edited)";
            if (problem is not null)
                return new AuditVerification(false, checkedCount, row.Sequence, $"Record {row.Sequence}: {problem}.", previousSequence, previousHash);
            checkedCount++;
            previousSequence = row.Sequence;
            previousHash = row.Hash;
        }

        return new AuditVerification(true, checkedCount, null, null, previousSequence, previousHash);
    }

    private static string Filter(SqliteCommand command, AuditQuery query)
    {
        var conditions = new List<string>();
        if (query.Since is { } since)
        {
            conditions.Add("time >= $since");
            command.With("$since", SqliteDatabase.FormatTime(since));
        }

        if (query.Until is { } until)
        {
            conditions.Add("time <= $until");
            command.With("$until", SqliteDatabase.FormatTime(until));
        }

        if (!string.IsNullOrEmpty(query.Actor))
        {
            conditions.Add("(actor_id = $actor OR actor_name = $actor)");
            command.With("$actor", query.Actor);
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            // 'container.*' selects a family of actions.
            if (query.Action.EndsWith('*'))
            {
                conditions.Add("substr(action, 1, length($action)) = $action");
                command.With("$action", query.Action.TrimEnd('*'));
            }
            else
            {
                conditions.Add("action = $action");
                command.With("$action", query.Action);
            }
        }

        if (!string.IsNullOrEmpty(query.Target))
        {
            conditions.Add("(target_name = $target OR target_name = '/' || $target OR (length($target) >= 3 AND substr(target_id, 1, length($target)) = $target))");
            command.With("$target", query.Target);
        }

        if (query.Outcome is { } outcome)
        {
            conditions.Add("outcome = $outcome");
            command.With("$outcome", outcome.ToString().ToLowerInvariant());
        }

        return conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
    }

    private static bool IsStoreFailure(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException;

    /// <summary>A record in its stored form; the hash covers exactly these column values.</summary>
    private sealed record Row(
        long Sequence, string Time, string ActorId, string ActorName, string Channel, string Action, string? Engine, string? TargetId,
        string? TargetName, string Parameters, string Outcome, string? Reason, long DurationMs, string PreviousHash, string Hash)
    {
        public static Row From(long sequence, AuditRecord record, string previousHash) => new(
            sequence,
            SqliteDatabase.FormatTime(record.Time),
            record.ActorId,
            record.ActorName,
            record.Channel.ToString().ToLowerInvariant(),
            record.Action,
            record.Engine,
            record.TargetId,
            record.TargetName,
            JsonSerializer.Serialize(new SortedDictionary<string, string?>(record.Parameters.ToDictionary(), StringComparer.Ordinal)),
            record.Outcome.ToString().ToLowerInvariant(),
            record.Reason,
            (long)Math.Round(record.Duration.TotalMilliseconds),
            previousHash,
            "");

        public static Row Read(SqliteDataReader reader) => new(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.GetString(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt64(12),
            reader.GetString(13), reader.GetString(14));

        /// <summary>SHA-256 over the previous hash and a JSON array of the content, in a fixed order.</summary>
        public string ComputeHash()
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                json.WriteStringValue(PreviousHash);
                json.WriteNumberValue(Sequence);
                foreach (var value in new[] { Time, ActorId, ActorName, Channel, Action, Engine, TargetId, TargetName, Parameters, Outcome, Reason })
                {
                    if (value is null)
                        json.WriteNullValue();
                    else
                        json.WriteStringValue(value);
                }

                json.WriteNumberValue(DurationMs);
                json.WriteEndArray();
            }

            return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
        }

        public ChainedAuditRecord ToRecord() => new(
            Sequence,
            new AuditRecord(
                SqliteDatabase.ParseTime(Time), ActorId, ActorName, Enum.Parse<Channel>(Channel, ignoreCase: true), Action, Engine, TargetId, TargetName,
                JsonSerializer.Deserialize<Dictionary<string, string?>>(Parameters) ?? [], Enum.Parse<AuditOutcome>(Outcome, ignoreCase: true), Reason,
                TimeSpan.FromMilliseconds(DurationMs)),
            PreviousHash,
            Hash);
    }
}
