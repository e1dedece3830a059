using System.Globalization;
using LlmStrategies.Postgres.Connection;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

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
public sealed class PostgresChunkStore
{
    /// <summary>The number of chunks written per transaction by the upsert methods.</summary>
    public const int IngestBatchSize = 5_000;

    private const int EmbeddingBatchSize = 64;
    private const string TwoTo64 = "18446744073709551616";

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

    /// <summary>
    /// Writes chunks with precomputed embeddings: new ids are inserted, existing ids replaced (unchanged rows are not
    /// rewritten), by binary COPY into a staging table and one upsert per batch of <see cref="IngestBatchSize"/>.
    /// When an id occurs twice in <paramref name="chunks"/>, the later one is written.
    /// </summary>
    /// <param name="chunks">The chunks and their embeddings.</param>
    /// <param name="cancellationToken">Cancels the ingest; the batch in progress rolls back.</param>
    /// <returns>The number of distinct chunks written.</returns>
    /// <exception cref="PostgresStoreException">An embedding has another dimension than the collection's (<see cref="PostgresErrorKind.DimensionMismatch"/>).</exception>
    /// <exception cref="ArgumentException">A chunk has an empty id or a non-finite embedding value.</exception>
    public async Task<int> UpsertAsync(IEnumerable<EmbeddedChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var unique = new Dictionary<string, EmbeddedChunk>(StringComparer.Ordinal);
        foreach (var item in chunks)
        {
            Validate(item);
            unique[item.Chunk.Id] = item;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        foreach (var batch in unique.Values.Chunk(IngestBatchSize))
        {
            await Database.Retry.ExecuteAsync((connection, ct) => WriteBatchAsync(connection, batch, ct), cancellationToken).ConfigureAwait(false);
        }

        return unique.Count;
    }

    /// <summary>Embeds chunks (in batches of 64) and writes them as <see cref="UpsertAsync(IEnumerable{EmbeddedChunk}, CancellationToken)"/> does.</summary>
    /// <param name="chunks">The chunks.</param>
    /// <param name="embeddings">The embedding model; the retriever must embed queries with the same one.</param>
    /// <param name="cancellationToken">Cancels the ingest.</param>
    /// <returns>The number of distinct chunks written.</returns>
    public async Task<int> UpsertAsync(IEnumerable<TextChunk> chunks, IEmbeddingGenerator<string, Embedding<float>> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(embeddings);
        var embedded = new List<EmbeddedChunk>();
        foreach (var batch in chunks.Chunk(EmbeddingBatchSize))
        {
            var vectors = await embeddings.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (vectors.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {vectors.Count} embeddings for {batch.Length} texts.");
            }

            embedded.AddRange(batch.Select((chunk, i) => new EmbeddedChunk(chunk, vectors[i].Vector)));
        }

        return await UpsertAsync(embedded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes chunks by id.</summary>
    /// <param name="chunkIds">The ids; unknown ids are ignored.</param>
    /// <param name="cancellationToken">Cancels the removal (it rolls back).</param>
    /// <returns>The number of chunks removed.</returns>
    public async Task<int> RemoveAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        var ids = chunkIds.Distinct(StringComparer.Ordinal).ToArray();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await Database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await LockAsync(connection, ct).ConfigureAwait(false);
                    var command = new NpgsqlCommand(
                        $"""
                        WITH gone AS (DELETE FROM {Table} WHERE id = ANY(@ids) RETURNING content_hash)
                        UPDATE {Database.Schema}.chunk_collections
                        SET chunk_count = chunk_count - (SELECT count(*) FROM gone),
                            content_sum = mod(mod(content_sum - (SELECT coalesce(sum(content_hash::numeric), 0) FROM gone), {TwoTo64}) + {TwoTo64}, {TwoTo64})
                        WHERE name = @name
                        RETURNING (SELECT count(*) FROM gone)
                        """,
                        connection);
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.AddWithValue("ids", ids);
                        command.Parameters.AddWithValue("name", Name);
                        var removed = Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                        return removed;
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
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

    private void Validate(EmbeddedChunk item)
    {
        ArgumentNullException.ThrowIfNull(item.Chunk);
        if (string.IsNullOrEmpty(item.Chunk.Id))
        {
            throw new ArgumentException("A chunk has an empty id; every chunk needs an id, unique within the collection.");
        }

        if (item.Embedding.Length != Dimension)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.DimensionMismatch,
                $"Chunk '{item.Chunk.Id}' has a {item.Embedding.Length}-dimensional embedding, but collection '{Name}' holds {Dimension}-dimensional ones. Embed with the model the collection was built with, or write to a new collection (or drop this one with DropAsync) to change models.");
        }

        foreach (var value in item.Embedding.Span)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Chunk '{item.Chunk.Id}' has a non-finite embedding value ({value}); pgvector stores finite numbers only.");
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

    private async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Serialises writers of this collection; every later statement of the transaction sees their committed rows.
        var command = new NpgsqlCommand($"SELECT 1 FROM {Database.Schema}.chunk_collections WHERE name = @name FOR UPDATE", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", Name);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new PostgresStoreException(PostgresErrorKind.CollectionMismatch, $"Chunk collection '{Name}' was dropped; create it again with PostgresChunkStore.CreateOrOpenAsync.");
            }
        }
    }

    private async Task WriteBatchAsync(NpgsqlConnection connection, EmbeddedChunk[] batch, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await LockAsync(connection, cancellationToken).ConfigureAwait(false);
            await PostgresDatabase.ExecuteAsync(
                connection,
                "CREATE TEMP TABLE llmstrategies_incoming (id text COLLATE \"C\", source_id text, text text, start_offset integer, length integer, metadata jsonb, content_hash bigint, embedding vector) ON COMMIT DROP",
                cancellationToken).ConfigureAwait(false);
            var writer = await connection.BeginBinaryImportAsync(
                "COPY llmstrategies_incoming (id, source_id, text, start_offset, length, metadata, content_hash, embedding) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var (chunk, embedding) in batch)
                {
                    await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(chunk.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(chunk.SourceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(chunk.Text, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(chunk.StartOffset, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(chunk.Length, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(MetadataPredicate.Json(chunk.Metadata), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(ChunkContentHash.Compute(chunk), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(new Vector(embedding), "vector", cancellationToken).ConfigureAwait(false);
                }

                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            // The digest changes by the new hashes minus the replaced ones, computed before the upsert replaces them.
            await PostgresDatabase.ExecuteAsync(
                connection,
                $"""
                WITH old AS (SELECT t.content_hash FROM {Table} t JOIN llmstrategies_incoming i ON i.id = t.id)
                UPDATE {Database.Schema}.chunk_collections
                SET chunk_count = chunk_count + (SELECT count(*) FROM llmstrategies_incoming) - (SELECT count(*) FROM old),
                    content_sum = mod(mod(content_sum + (SELECT coalesce(sum(content_hash::numeric), 0) FROM llmstrategies_incoming)
                                                      - (SELECT coalesce(sum(content_hash::numeric), 0) FROM old), {TwoTo64}) + {TwoTo64}, {TwoTo64})
                WHERE name = @name;
                INSERT INTO {Table} AS t (id, source_id, text, start_offset, length, metadata, content_hash, embedding)
                SELECT id, source_id, text, start_offset, length, metadata, content_hash, embedding FROM llmstrategies_incoming
                ON CONFLICT (id) DO UPDATE SET
                    source_id = excluded.source_id, text = excluded.text, start_offset = excluded.start_offset, length = excluded.length,
                    metadata = excluded.metadata, content_hash = excluded.content_hash, embedding = excluded.embedding
                WHERE (t.content_hash, t.start_offset, t.length, t.embedding) IS DISTINCT FROM (excluded.content_hash, excluded.start_offset, excluded.length, excluded.embedding);
                """,
                cancellationToken,
                ("name", Name)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

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
