using System.Globalization;
using Npgsql;

namespace LlmStrategies.Postgres.Tests;

/// <summary>
/// The real server the tests run against: LLMSTRATEGIES_POSTGRES names it (a superuser connection string). Once per
/// run, a database of its own is created (and dropped at the end); each test asks for a fresh schema in it.
/// </summary>
[SetUpFixture]
public sealed class PostgresServer
{
    public const string Variable = "LLMSTRATEGIES_POSTGRES";
    private static string? _adminConnectionString;
    private static string? _database;
    private static int _schemas;

    /// <summary>Gets the connection string of this run's database.</summary>
    public static string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Gets the superuser connection string of the server's maintenance database.</summary>
    public static string AdminConnectionString => _adminConnectionString ?? throw new InvalidOperationException("The server is not set up.");

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            const string Message = $"{Variable} is not set, so the PostgreSQL tests cannot run. Start a server with tools/postgres.sh start (PostgreSQL 15 + pgvector on 127.0.0.1) and export {Variable} with the connection string it prints.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message + " Under CI=true the tests must run: .ci/run starts the server.");
            }

            Assert.Ignore(Message);
        }

        _database = string.Create(CultureInfo.InvariantCulture, $"llmstrategies_test_{Environment.ProcessId}_{DateTime.UtcNow:yyyyMMddHHmmss}");
        await ExecuteAsync(_adminConnectionString, $"CREATE DATABASE {_database}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ConnectionString;
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync()
    {
        if (_database is not null && _adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }

    /// <summary>Options for a schema no other test uses.</summary>
    public static PostgresOptions FreshSchema(bool migrateOnStart = true) => new()
    {
        ConnectionString = ConnectionString,
        Schema = string.Create(CultureInfo.InvariantCulture, $"t{Interlocked.Increment(ref _schemas)}_{Environment.ProcessId}"),
        MigrateOnStart = migrateOnStart,
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    /// <summary>A migrated database handle on a schema of its own.</summary>
    public static async Task<PostgresDatabase> MigratedAsync()
    {
        var database = new PostgresDatabase(FreshSchema());
        await database.MigrateAsync();
        return database;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
