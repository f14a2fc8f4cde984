using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace DockerOps.Jobs.Storage;

/// <summary>
/// Where incidents, silences, the alert delivery ledger and job settings are kept: with SQLite job
/// storage, <c>dockerops-jobs.db</c> in the data folder (<c>DOCKEROPS_DATA</c>, default <c>./data</c>);
/// with PostgreSQL job storage, the schema <c>dockerops</c> of the same database as Hangfire's, so that
/// instances sharing one job store also share incidents and the ledger (one alert, not one per instance).
/// The SQL is written once for both: <c>@name</c> parameters and upserts that both dialects accept.
/// </summary>
public sealed class JobsDatabase : IDisposable
{
    public const string DataFolderSetting = "DOCKEROPS_DATA";
    public const string FileName = "dockerops-jobs.db";
    public const string PostgreSqlSchema = "dockerops";

    private readonly string? _sqliteConnectionString;
    private readonly NpgsqlDataSource? _postgres;

    /// <summary>The SQLite file in <paramref name="folder"/>.</summary>
    public JobsDatabase(string folder)
    {
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, FileName);
        _sqliteConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 10 }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;" + Schema("INTEGER"));
    }

    private JobsDatabase(NpgsqlDataSource postgres)
    {
        _postgres = postgres;
        Path = null;
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        // Instances starting together would race on CREATE ... IF NOT EXISTS (it is not atomic in PostgreSQL).
        Execute(connection, "SELECT pg_advisory_xact_lock(7309417263516);", transaction);
        Execute(connection, $"CREATE SCHEMA IF NOT EXISTS {PostgreSqlSchema};" + Schema("BIGINT"), transaction);
        transaction.Commit();
    }

    /// <summary>The schema <c>dockerops</c> in the database that <paramref name="connectionString"/> names.</summary>
    public static JobsDatabase PostgreSql(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = PostgreSqlSchema };
        return new JobsDatabase(NpgsqlDataSource.Create(builder));
    }

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? Path { get; }

    public bool IsPostgreSql => _postgres is not null;

    public static string FolderFrom(IConfiguration configuration) =>
        configuration[DataFolderSetting] is { Length: > 0 } folder ? folder : System.IO.Path.Combine(".", "data");

    /// <summary>
    /// One round trip within <paramref name="timeout"/>, for readiness: without the job store no incident
    /// is recorded and no alert is queued. The failure names the store, never its connection details.
    /// </summary>
    public async Task PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = _postgres is not null ? await _postgres.OpenConnectionAsync(deadline.Token).ConfigureAwait(false) : Open();
            await using var command = Command(connection, "SELECT 1");
            await command.ExecuteScalarAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new JobStoreUnavailableException(IsPostgreSql ? "The PostgreSQL job store does not answer." : "The SQLite job store cannot be read.", ex);
        }
    }

    public DbConnection Open()
    {
        if (_postgres is not null)
            return _postgres.OpenConnection();
        var connection = new SqliteConnection(_sqliteConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=10000;");
        return connection;
    }

    public void Dispose() => _postgres?.Dispose();

    public static void Execute(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Execute(connection, sql, null, parameters);

    private static void Execute(DbConnection connection, string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>
    /// Times are Unix milliseconds (<paramref name="integer"/>: SQLite's INTEGER, PostgreSQL's BIGINT).
    /// At most one open incident per container and cause, enforced here because instances sharing the
    /// store each see the same events.
    /// </summary>
    private static string Schema(string integer) => $"""
        CREATE TABLE IF NOT EXISTS incidents (
            id TEXT PRIMARY KEY, engine TEXT NOT NULL, container_id TEXT NOT NULL, cause TEXT NOT NULL,
            state TEXT NOT NULL, opened_at {integer} NOT NULL, resolved_at {integer}, body TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS incidents_state ON incidents (state, resolved_at);
        CREATE UNIQUE INDEX IF NOT EXISTS incidents_open_once ON incidents (engine, container_id, cause) WHERE state = 'Open';
        CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, ends_at {integer} NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS deliveries (
            id TEXT PRIMARY KEY, state TEXT NOT NULL, lease_until {integer} NOT NULL, attempts INTEGER NOT NULL,
            last_error TEXT, delivered_at {integer});
        CREATE TABLE IF NOT EXISTS job_settings (id TEXT PRIMARY KEY, body TEXT NOT NULL);
        """;
}

/// <summary>The job store did not answer; the message is safe to show (no connection string).</summary>
public sealed class JobStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
