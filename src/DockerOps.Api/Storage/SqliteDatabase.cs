using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DockerOps.Api.Storage;

/// <summary>
/// One SQLite file in the data folder, created on first use with its schema. WAL mode lets readers
/// carry on while a write waits; the busy timeout bounds how long a write waits for a lock.
/// </summary>
public sealed class SqliteDatabase(string path, TimeSpan busyTimeout, string schema)
{
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly SemaphoreSlim _initialize = new(1, 1);
    private volatile bool _ready;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    private string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        Pooling = true,
    }.ToString();

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
            await InitializeAsync(cancellationToken);
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initialize.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
                return;
            var folder = System.IO.Path.GetDirectoryName(Path)!;
            if (!Directory.Exists(folder))
            {
                // Keys hashes and the audit trail are nobody else's business on this host.
                if (OperatingSystem.IsWindows())
                    Directory.CreateDirectory(folder);
                else
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            // An empty file made owner-only before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
            if (!File.Exists(Path) && !OperatingSystem.IsWindows())
            {
                await using (new FileStream(Path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
                {
                }
            }

            await using (var connection = new SqliteConnection(ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " + schema;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            _ready = true;
        }
        finally
        {
            _initialize.Release();
        }
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static string? FormatTime(DateTimeOffset? time) => time is null ? null : FormatTime(time.Value);

    public static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public static DateTimeOffset? ParseTime(object? value) => value is string text ? ParseTime(text) : null;
}

public static class SqliteCommandExtensions
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
