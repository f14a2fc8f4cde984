using Npgsql;

namespace DockerOps.Api.Tests.Jobs;

/// <summary>
/// A database of its own on the test PostgreSQL (scripts/test.sh starts one and names it in
/// <see cref="Setting"/>), dropped again at the end. Without one the tests fail, saying how to provide it.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Setting = "DOCKEROPS_TEST_POSTGRES";

    private readonly string _server;

    private TestPostgres(string server, string database)
    {
        _server = server;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        Password = new NpgsqlConnectionStringBuilder(server).Password ?? "";
    }

    public string Database { get; }

    /// <summary>To this test's database, with the password: what DockerOps is given as Jobs:ConnectionString.</summary>
    public string ConnectionString { get; }

    /// <summary>The password in <see cref="ConnectionString"/>, which must never be shown.</summary>
    public string Password { get; }

    public static string Server =>
        Environment.GetEnvironmentVariable(Setting) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException(
                $"No PostgreSQL for the job-storage tests: {Setting} is not set. Run the tests through ./scripts/test.sh, which starts a " +
                $"private PostgreSQL on 127.0.0.1 (Debian's postgresql package), or set {Setting} to an Npgsql connection string of a role " +
                "that may create databases, such as Host=127.0.0.1;Port=5432;Username=dockerops;Password=...;Database=postgres.");

    public static async Task<TestPostgres> CreateAsync(string purpose)
    {
        var database = $"dockerops_{purpose}_{Guid.NewGuid():N}"[..40];
        var created = new TestPostgres(Server, database);
        await created.ExecuteOnServerAsync($"CREATE DATABASE {database}");
        return created;
    }

    /// <summary>One value from this test's database.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
