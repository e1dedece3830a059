using System.Globalization;
using LlmStrategies.Postgres.Connection;
using Npgsql;

namespace LlmStrategies.Postgres.Retrieval;

/// <summary>
/// A table of chunks with their embeddings (pgvector, of one dimension), a full-text index (a stored
/// <c>tsvector</c> with a GIN index) and a JSONB metadata index; the corpus a <see cref="PostgresRetriever"/> searches.
/// Writers upsert by chunk id (idempotent: writing the same chunks again changes nothing) with binary COPY; several
/// processes may write at once.
/// </summary>
/// <remarks>
/// <para>
/// The collection keeps a content digest (count and sum mod 2⁶⁴ of a hash of each chunk's id, source, text and
/// metadata), updated in the same transaction as every write. Equal contents give equal digests, whatever the order
/// or the process that wrote them, and the digest equals what the in-process <c>VectorRetriever</c> and
/// <c>Bm25Index</c> report for the same chunks; retrievers put it in their fingerprints.
/// </para>
/// <para>
/// Writes to one collection are serialised (each batch locks the collection's row in the registry), so the digest
/// stays exact; readers are never blocked. Ingest commits in batches of <see cref="IngestBatchSize"/> chunks: when a
/// large ingest fails, the earlier batches stay; run it again, it is idempotent.
/// </para>
/// </remarks>
public sealed partial class PostgresChunkStore
{
    /// <summary>The number of chunks written per transaction by the upsert methods.</summary>
    public const int IngestBatchSize = 5_000;

    private volatile bool _created;

    /// <summary>Creates the handle without touching the database; the table is created or checked on first use.</summary>
    internal PostgresChunkStore(PostgresDatabase database, string name, int dimension, PostgresVectorDistance distance, string textSearchConfiguration)
    {
        Database = database;
        Name = name;
        Dimension = dimension;
        Distance = distance;
        TextSearchConfiguration = textSearchConfiguration;
        Table = $"{database.Schema}.chunks_{name}";
    }

    /// <summary>Gets the collection's name.</summary>
    public string Name { get; }

    /// <summary>Gets the dimension of the collection's embeddings.</summary>
    public int Dimension { get; }

    /// <summary>Gets how embeddings are compared.</summary>
    public PostgresVectorDistance Distance { get; }

    /// <summary>Gets the PostgreSQL text-search configuration that analyses chunk texts and queries (for example <c>english</c>).</summary>
    public string TextSearchConfiguration { get; }

    internal PostgresDatabase Database { get; }

    /// <summary>Gets the collection's table, schema-qualified.</summary>
    internal string Table { get; }

    internal string HnswIndexName => $"chunks_{Name}_hnsw";

    internal string DistanceOperator => Distance == PostgresVectorDistance.Cosine ? "<=>" : "<#>";

    /// <summary>
    /// Opens the collection <paramref name="name"/>, creating it (table and indexes) when it does not exist. An
    /// existing collection must have the same dimension, distance and text-search configuration.
    /// </summary>
    /// <param name="database">The database.</param>
    /// <param name="name">The collection's name: lowercase letters, digits and underscores, starting with a letter.</param>
    /// <param name="dimension">The dimension of the embedding model's vectors (for example 512); at most 2,000 (HNSW's limit).</param>
    /// <param name="distance">How embeddings are compared.</param>
    /// <param name="textSearchConfiguration">The text-search configuration for full-text search (default <c>english</c>; <c>simple</c> does no stemming).</param>
    /// <param name="cancellationToken">Cancels the work (it rolls back).</param>
    /// <returns>The collection.</returns>
    /// <exception cref="PostgresStoreException">The collection exists with another dimension (<see cref="PostgresErrorKind.DimensionMismatch"/>) or other settings, or the database is not ready.</exception>
    public static async Task<PostgresChunkStore> CreateOrOpenAsync(
        PostgresDatabase database,
        string name,
        int dimension,
        PostgresVectorDistance distance = PostgresVectorDistance.Cosine,
        string textSearchConfiguration = "english",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        SqlNames.Validate(name, "collection name");
        SqlNames.Validate(textSearchConfiguration, "text-search configuration");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 2_000);
        if (!Enum.IsDefined(distance))
        {
            throw new ArgumentOutOfRangeException(nameof(distance), distance, "Not a defined PostgresVectorDistance.");
        }

        var collection = new PostgresChunkStore(database, name, dimension, distance, textSearchConfiguration);
        await collection.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return collection;
    }

    /// <summary>Opens an existing collection with the settings it was created with.</summary>
    /// <param name="database">The database.</param>
    /// <param name="name">The collection's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The collection.</returns>
    /// <exception cref="PostgresStoreException">There is no such collection (<see cref="PostgresErrorKind.CollectionMismatch"/>), or the database is not ready.</exception>
    public static async Task<PostgresChunkStore> OpenAsync(PostgresDatabase database, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        SqlNames.Validate(name, "collection name");
        await database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var registry = await database.Retry.ExecuteAsync((connection, ct) => ReadRegistryAsync(database, connection, name, ct), cancellationToken).ConfigureAwait(false)
            ?? throw new PostgresStoreException(PostgresErrorKind.CollectionMismatch, $"There is no chunk collection '{name}' in schema '{database.Schema}'. Create it with PostgresChunkStore.CreateOrOpenAsync(database, \"{name}\", dimension).");
        return new PostgresChunkStore(database, name, registry.Dimension, registry.Distance, registry.TextSearchConfiguration) { _created = true };
    }

    /// <summary>Counts the chunks.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of chunks.</returns>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        (await ReadDigestAsync(cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>Reads the content digest ("count:sum" in hex), the value retrievers put in their fingerprints.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The digest.</returns>
    public async Task<string> GetContentDigestAsync(CancellationToken cancellationToken = default)
    {
        var (count, sum) = await ReadDigestAsync(cancellationToken).ConfigureAwait(false);
        return ChunkContentHash.Format(count, sum);
    }

    /// <summary>
    /// Builds an HNSW index for approximate search (pgvector's <c>m</c> and <c>ef_construction</c>), unless the
    /// collection has one. Building reads every row; on a large table it takes minutes (raise the server's
    /// <c>maintenance_work_mem</c> so the graph fits in memory). Retrievers with
    /// <see cref="PostgresRetrieverOptions.Approximate"/> need it; exact search ignores it.
    /// </summary>
    /// <param name="m">The maximum number of neighbours per node (pgvector's default 16).</param>
    /// <param name="efConstruction">The candidate list size while building (pgvector's default 64); at least 2 × <paramref name="m"/>.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>A task that completes when the index is built.</returns>
    public async Task CreateHnswIndexAsync(int m = 16, int efConstruction = 64, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(efConstruction, 2 * m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(efConstruction, 1_000);
        var operators = Distance == PostgresVectorDistance.Cosine ? "vector_cosine_ops" : "vector_ip_ops";
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await Database.Retry.ExecuteAsync(
            (connection, ct) => PostgresDatabase.ExecuteAsync(
                connection,
                string.Create(CultureInfo.InvariantCulture, $"CREATE INDEX IF NOT EXISTS {HnswIndexName} ON {Table} USING hnsw (embedding {operators}) WITH (m = {m}, ef_construction = {efConstruction})"),
                ct),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells whether the collection has an HNSW index.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> when it has one.</returns>
    public async Task<bool> HasHnswIndexAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await Database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand("SELECT to_regclass(@index) IS NOT NULL", connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("index", $"{Database.Schema}.{HnswIndexName}");
                    return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the collection: its table, indexes and registry entry.</summary>
    /// <param name="cancellationToken">Cancels the work (it rolls back).</param>
    /// <returns>A task that completes when the collection is gone (using this handle afterwards creates it anew).</returns>
    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        await Database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await Database.Retry.ExecuteAsync(
            (connection, ct) => PostgresDatabase.ExecuteAsync(
                connection,
                $"DROP TABLE IF EXISTS {Table}; DELETE FROM {Database.Schema}.chunk_collections WHERE name = @name",
                ct,
                ("name", Name)),
            cancellationToken).ConfigureAwait(false);
        _created = false;
    }

    /// <summary>
    /// Makes sure the database is ready and the collection exists with these settings, creating it (table and indexes)
    /// when missing, once; later calls return at once.
    /// </summary>
    internal async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        // Concurrent first calls may both check: the check takes an advisory lock and creates only what is missing.
        await Database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await Database.Retry.ExecuteAsync(CreateOrCheckAsync, cancellationToken).ConfigureAwait(false);
        _created = true;
    }

    /// <summary>Reads the content digest synchronously (fingerprints are synchronous).</summary>
    internal string ReadContentDigest()
    {
        try
        {
            using var connection = Database.DataSource.OpenConnection();
            using var command = new NpgsqlCommand($"SELECT chunk_count, content_sum FROM {Database.Schema}.chunk_collections WHERE name = @name", connection);
            command.Parameters.AddWithValue("name", Name);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ChunkContentHash.Format(reader.GetInt64(0), (ulong)reader.GetDecimal(1)) : "<dropped>";
        }
        catch (NpgsqlException ex)
        {
            throw Database.Retry.Translate(ex, 1);
        }
    }

    private async Task CreateOrCheckAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await PostgresDatabase.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('llmstrategies.collection:' || @key))", cancellationToken, ("key", Table)).ConfigureAwait(false);
            var existing = await ReadRegistryAsync(Database, connection, Name, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                existing.CheckMatches(Dimension, Distance, TextSearchConfiguration);
                return;
            }

            await PostgresDatabase.ExecuteAsync(connection, CreateTableSql(), cancellationToken).ConfigureAwait(false);
            await PostgresDatabase.ExecuteAsync(
                connection,
                $"INSERT INTO {Database.Schema}.chunk_collections (name, dimension, distance, text_search_config) VALUES (@name, @dimension, @distance, @config::regconfig)",
                cancellationToken,
                ("name", Name),
                ("dimension", Dimension),
                ("distance", Distance.ToString()),
                ("config", TextSearchConfiguration)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Registry?> ReadRegistryAsync(PostgresDatabase database, NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT dimension, distance, text_search_config::text FROM {database.Schema}.chunk_collections WHERE name = @name", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", name);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new Registry(name, reader.GetInt32(0), Enum.Parse<PostgresVectorDistance>(reader.GetString(1)), reader.GetString(2))
                    : null;
            }
        }
    }

    private string CreateTableSql() => string.Create(CultureInfo.InvariantCulture, $"""
        CREATE TABLE {Table} (
            id text COLLATE "C" PRIMARY KEY,
            source_id text NOT NULL,
            text text NOT NULL,
            start_offset integer NOT NULL,
            length integer NOT NULL,
            metadata jsonb NOT NULL,
            content_hash bigint NOT NULL,
            embedding vector({Dimension}) NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('{TextSearchConfiguration}'::regconfig, text)) STORED);
        ALTER TABLE {Table} ALTER COLUMN embedding SET STORAGE MAIN;
        CREATE INDEX chunks_{Name}_tsv ON {Table} USING gin (tsv);
        CREATE INDEX chunks_{Name}_metadata ON {Table} USING gin (metadata jsonb_path_ops);
        """);


    private async Task<(long Count, ulong Sum)> ReadDigestAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await Database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand($"SELECT chunk_count, content_sum FROM {Database.Schema}.chunk_collections WHERE name = @name", connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("name", Name);
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            throw new PostgresStoreException(PostgresErrorKind.CollectionMismatch, $"Chunk collection '{Name}' was dropped; create it again with PostgresChunkStore.CreateOrOpenAsync.");
                        }

                        return (reader.GetInt64(0), (ulong)reader.GetDecimal(1));
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private sealed record Registry(string Name, int Dimension, PostgresVectorDistance Distance, string TextSearchConfiguration)
    {
        public void CheckMatches(int dimension, PostgresVectorDistance distance, string textSearchConfiguration)
        {
            if (dimension != Dimension)
            {
                throw new PostgresStoreException(
                    PostgresErrorKind.DimensionMismatch,
                    $"Chunk collection '{Name}' already exists with {Dimension}-dimensional embeddings, but {dimension} were asked for. Use the embedding model the collection was built with, or choose another collection name (or drop this one with DropAsync) to re-embed with the new model.");
            }

            if (distance != Distance || !string.Equals(textSearchConfiguration, TextSearchConfiguration, StringComparison.Ordinal))
            {
                throw new PostgresStoreException(
                    PostgresErrorKind.CollectionMismatch,
                    $"Chunk collection '{Name}' already exists with distance {Distance} and text-search configuration '{TextSearchConfiguration}', but {distance} and '{textSearchConfiguration}' were asked for. Open it with PostgresChunkStore.OpenAsync, or use another name.");
            }
        }
    }
}
