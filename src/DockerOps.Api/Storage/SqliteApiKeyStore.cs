using System.Text.Json;
using DockerOps.Core.Access;
using Microsoft.Data.Sqlite;

namespace DockerOps.Api.Storage;

/// <summary>API keys in <c>keys.db</c>: names, roles, scopes and SHA-256 hashes; never a key.</summary>
public sealed class SqliteApiKeyStore(SqliteDatabase database) : IApiKeyStore
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            scope TEXT NOT NULL,
            hash BLOB NOT NULL,
            created TEXT NOT NULL,
            expires TEXT,
            last_used TEXT,
            revoked TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON api_keys(name) WHERE revoked IS NULL;
        """;

    private const string Columns = "id, name, role, scope, hash, created, expires, last_used, revoked";

    public SqliteDatabase Database => database;

    public async Task<bool> AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $name, $role, $scope, $hash, $created, $expires, NULL, NULL)";
        command.With("$id", key.Id).With("$name", key.Name).With("$role", key.Role.ToString().ToLowerInvariant())
            .With("$scope", JsonSerializer.Serialize(new ScopeColumn(key.Scope.Names, key.Scope.Labels, key.Scope.Projects)))
            .With("$hash", hash).With("$created", SqliteDatabase.FormatTime(key.Created)).With("$expires", SqliteDatabase.FormatTime(key.Expires));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // SQLITE_CONSTRAINT: the name (or the id) is taken.
            return false;
        }
    }

    public async Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE id = $id";
        command.With("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredApiKey(Read(reader), (byte[])reader["hash"]) : null;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys ORDER BY created, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(Read(reader));
        return keys;
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE api_keys SET revoked = $at WHERE id = $id AND revoked IS NULL", cancellationToken, ("$id", id), ("$at", SqliteDatabase.FormatTime(at))) > 0;

    public Task ReplaceHashAsync(string id, byte[] hash, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE api_keys SET hash = $hash, revoked = NULL WHERE id = $id", cancellationToken, ("$id", id), ("$hash", hash));

    public Task TouchAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE api_keys SET last_used = $at WHERE id = $id", cancellationToken, ("$id", id), ("$at", SqliteDatabase.FormatTime(at)));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.With(name, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ApiKey Read(SqliteDataReader reader)
    {
        var scope = JsonSerializer.Deserialize<ScopeColumn>((string)reader["scope"]) ?? new ScopeColumn([], [], []);
        return new ApiKey(
            (string)reader["id"],
            (string)reader["name"],
            Enum.Parse<Role>((string)reader["role"], ignoreCase: true),
            new AccessScope(scope.Names, scope.Labels, scope.Projects),
            SqliteDatabase.ParseTime((string)reader["created"]),
            SqliteDatabase.ParseTime(reader["expires"]),
            SqliteDatabase.ParseTime(reader["last_used"]),
            SqliteDatabase.ParseTime(reader["revoked"]));
    }

    private sealed record ScopeColumn(IReadOnlyList<string> Names, IReadOnlyList<string> Labels, IReadOnlyList<string> Projects);
}
