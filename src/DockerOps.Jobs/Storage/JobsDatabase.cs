using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace DockerOps.Jobs.Storage;

/// <summary>
/// The SQLite file that holds incidents, silences, the alert delivery ledger and job settings:
/// <c>dockerops-jobs.db</c> in the data folder (<c>DOCKEROPS_DATA</c>, default <c>./data</c>).
/// </summary>
public sealed class JobsDatabase
{
    public const string DataFolderSetting = "DOCKEROPS_DATA";
    public const string FileName = "dockerops-jobs.db";

    private readonly string _connectionString;

    public JobsDatabase(string folder)
    {
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, FileName);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 10 }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS incidents (
                id TEXT PRIMARY KEY, engine TEXT NOT NULL, container_id TEXT NOT NULL, cause TEXT NOT NULL,
                state TEXT NOT NULL, opened_at INTEGER NOT NULL, resolved_at INTEGER, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS incidents_state ON incidents (state, resolved_at);
            CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, ends_at INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deliveries (
                id TEXT PRIMARY KEY, state TEXT NOT NULL, lease_until INTEGER NOT NULL, attempts INTEGER NOT NULL,
                last_error TEXT, delivered_at INTEGER);
            CREATE TABLE IF NOT EXISTS job_settings (id TEXT PRIMARY KEY, body TEXT NOT NULL);
            """);
    }

    public string Path { get; }

    public static string FolderFrom(IConfiguration configuration) =>
        configuration[DataFolderSetting] is { Length: > 0 } folder ? folder : System.IO.Path.Combine(".", "data");

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=10000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
