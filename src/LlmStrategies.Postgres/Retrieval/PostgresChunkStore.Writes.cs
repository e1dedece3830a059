using System.Globalization;
using LlmStrategies.Postgres.Connection;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace LlmStrategies.Postgres.Retrieval;

public sealed partial class PostgresChunkStore
{
    private const int EmbeddingBatchSize = 64;
    private const string TwoTo64 = "18446744073709551616";

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
}
