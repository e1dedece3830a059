using System.Globalization;
using LlmStrategies.Postgres.Connection;
using LlmStrategies.Postgres.Schema;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector.Npgsql;

namespace LlmStrategies.Postgres;

/// <summary>
/// A PostgreSQL database with the pgvector extension, holding the library's schema: the connection pool (an
/// <see cref="NpgsqlDataSource"/> with pgvector's types), the versioned schema migrations, and the retry of transient
/// errors that every component of this package goes through. Create one per database and share it.
/// </summary>
/// <remarks>
/// The schema is created and upgraded by <see cref="MigrateAsync"/> (several processes may call it at once: an
/// advisory lock serialises them), or on first use when <see cref="PostgresOptions.MigrateOnStart"/> is set. Without
/// either, the first operation on a database whose schema is missing or older fails with
/// <see cref="PostgresErrorKind.SchemaNotMigrated"/>.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly PostgresOptions _options;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile Version? _pgvector;

    /// <summary>Creates the connection pool; nothing is sent to the server until the first operation.</summary>
    /// <param name="options">The connection string, schema and retry settings.</param>
    /// <param name="timeProvider">The clock for retry delays; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists why).</exception>
    public PostgresDatabase(PostgresOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PostgresOptionsValidator().Validate(null, options);
        if (validation.Failed || options.ValidateDelay() is not null)
        {
            throw new ArgumentException($"Invalid PostgresOptions: {(validation.Failed ? validation.FailureMessage : options.ValidateDelay())}", nameof(options));
        }

        _options = options.Copy();
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(_options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"PostgresOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}", nameof(options), ex);
        }

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseVector();
        DataSource = builder.Build();
        Retry = new TransientErrorRetry(DataSource, _options.MaxRetries, _options.RetryDelay, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Gets the current schema version of this library: what <see cref="MigrateAsync"/> brings a database to.</summary>
    public static int CurrentSchemaVersion => SchemaMigrations.Latest;

    /// <summary>Gets the connection pool (with pgvector's types mapped), for queries of your own.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Gets the schema that holds the library's tables.</summary>
    public string Schema => _options.Schema;

    internal TransientErrorRetry Retry { get; }

    /// <summary>Gets the pgvector version found on the server by the last readiness check.</summary>
    internal Version PgvectorVersion => _pgvector ?? PostgresConstants.MinimumPgvector;

    /// <summary>
    /// Creates the pgvector extension when it is missing (this needs a user allowed to create it), then applies every
    /// migration the database has not had yet, in one transaction under an advisory lock.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration (it rolls back).</param>
    /// <returns>The number of migrations applied (0 when the schema was current).</returns>
    /// <exception cref="PostgresStoreException">pgvector is missing or may not be created, the schema is newer than this library, or the server is unreachable.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var created = false;
        var applied = await Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('llmstrategies.migrations:' || @schema))", ct, ("schema", Schema)).ConfigureAwait(false);
                    created = await EnsureExtensionAsync(connection, ct).ConfigureAwait(false);
                    await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {Schema}; CREATE TABLE IF NOT EXISTS {Schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", ct).ConfigureAwait(false);
                    var current = await ReadSchemaVersionAsync(connection, ct).ConfigureAwait(false);
                    ThrowIfTooNew(current);
                    var count = 0;
                    foreach (var migration in SchemaMigrations.All.Where(m => m.Version > current))
                    {
                        await ExecuteAsync(connection, migration.Sql(Schema), ct).ConfigureAwait(false);
                        await ExecuteAsync(connection, $"INSERT INTO {Schema}.schema_migrations (version, name) VALUES (@version, @name)", ct, ("version", migration.Version), ("name", migration.Name)).ConfigureAwait(false);
                        count++;
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return count;
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (created)
        {
            // Connections opened before the extension existed do not know the vector type.
            await DataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
        }

        await CheckReadyAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    /// <summary>Reads the schema version of the database (0 when the library's schema has not been created).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        Retry.ExecuteAsync(async (connection, ct) => (await ReadStateAsync(connection, ct).ConfigureAwait(false)).SchemaVersion, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _readyGate.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        DataSource.Dispose();
        _readyGate.Dispose();
    }

    /// <summary>
    /// Makes sure the database can be used: pgvector present and recent enough, schema current (migrating it first when
    /// <see cref="PostgresOptions.MigrateOnStart"/> is set). Checked once; later calls return at once.
    /// </summary>
    internal async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_pgvector is not null)
        {
            return;
        }

        await _readyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_pgvector is not null)
            {
                return;
            }

            if (_options.MigrateOnStart)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CheckReadyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _readyGate.Release();
        }
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Version? ParseVersion(string? text) =>
        text is null ? null : Version.TryParse(text.Split('-')[0], out var version) ? version : new Version(0, 0);

    private static void ThrowIfTooNew(int version)
    {
        if (version > SchemaMigrations.Latest)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.SchemaTooNew,
                $"The database's LlmStrategies schema is at version {version}, newer than this library knows ({SchemaMigrations.Latest}). Upgrade the LlmStrategies.Postgres package to the version that migrated the database.");
        }
    }

    private async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        var state = await Retry.ExecuteAsync(ReadStateAsync, cancellationToken).ConfigureAwait(false);
        if (state.Pgvector is null)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.ExtensionMissing,
                $"The pgvector extension is not created in database '{state.Database}'. Run PostgresDatabase.MigrateAsync() (or set PostgresOptions.MigrateOnStart) as a user allowed to create it, or ask an administrator to run CREATE EXTENSION vector; in that database. {PostgresConstants.InstallPgvector}.");
        }

        ThrowIfTooNew(state.SchemaVersion);
        if (state.SchemaVersion < SchemaMigrations.Latest)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.SchemaNotMigrated,
                state.SchemaVersion == 0
                    ? $"The LlmStrategies schema '{Schema}' does not exist in database '{state.Database}'. Create it with PostgresDatabase.MigrateAsync(), or set PostgresOptions.MigrateOnStart = true."
                    : $"The LlmStrategies schema '{Schema}' in database '{state.Database}' is at version {state.SchemaVersion}; this library needs {SchemaMigrations.Latest}. Apply the migrations with PostgresDatabase.MigrateAsync(), or set PostgresOptions.MigrateOnStart = true.");
        }

        CheckPgvectorVersion(state.Pgvector);
        _pgvector = state.Pgvector;
    }

    private static void CheckPgvectorVersion(Version version)
    {
        if (version < PostgresConstants.MinimumPgvector)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.ExtensionMissing,
                $"pgvector {version} is installed, but this library needs {PostgresConstants.MinimumPgvector} or later (HNSW indexes). Upgrade the server package, then run ALTER EXTENSION vector UPDATE; in the database.");
        }
    }

    private async Task<DatabaseState> ReadStateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            $"SELECT current_database(), (SELECT extversion FROM pg_extension WHERE extname = 'vector'), to_regclass('{Schema}.schema_migrations') IS NOT NULL",
            connection);
        await using (command.ConfigureAwait(false))
        {
            string database;
            string? extension;
            bool hasHistory;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                database = reader.GetString(0);
                extension = reader.IsDBNull(1) ? null : reader.GetString(1);
                hasHistory = reader.GetBoolean(2);
            }

            var version = hasHistory ? await ReadSchemaVersionAsync(connection, cancellationToken).ConfigureAwait(false) : 0;
            return new DatabaseState(database, ParseVersion(extension), version);
        }
    }

    private async Task<int> ReadSchemaVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Schema}.schema_migrations", connection);
        await using (command.ConfigureAwait(false))
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Creates pgvector when it is missing; returns whether it did.</summary>
    private static async Task<bool> EnsureExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var query = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
        await using (query.ConfigureAwait(false))
        {
            if (await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string installed)
            {
                CheckPgvectorVersion(ParseVersion(installed)!);
                return false;
            }
        }

        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.ExtensionMissing,
                $"The pgvector extension is not created in database '{connection.Database}', and user '{connection.UserName}' may not create it ({ex.MessageText}). Ask an administrator to run CREATE EXTENSION vector; in that database once, or migrate as a user who may. {PostgresConstants.InstallPgvector}.",
                ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedFile or PostgresErrorCodes.FeatureNotSupported)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.ExtensionMissing,
                $"The PostgreSQL server has no pgvector extension to create ({ex.MessageText}). {PostgresConstants.InstallPgvector}, then run the migration again.",
                ex);
        }
    }

    private sealed record DatabaseState(string Database, Version? Pgvector, int SchemaVersion);
}
