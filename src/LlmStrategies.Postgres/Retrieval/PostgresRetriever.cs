using System.Globalization;
using System.Text;
using LlmStrategies.Postgres.Connection;
using LlmStrategies.Retrieval.Hybrid;
using Microsoft.Extensions.AI;
using Npgsql;
using Pgvector;

namespace LlmStrategies.Postgres.Retrieval;

/// <summary>
/// Retrieval from a <see cref="PostgresChunkStore"/>: vector search with pgvector (exact, or approximate through
/// the HNSW index), keyword search with PostgreSQL full-text search (<c>ts_rank_cd</c> over the query's lexemes joined
/// by OR), or both, fetched in one round trip (one statement returning both candidate lists) and fused in process by
/// the library's own <see cref="ScoreFusion"/>, the code behind <see cref="HybridRetriever"/>, with the methods and
/// weights of <see cref="PostgresRetrieverOptions"/>. Metadata filters run in the database as JSONB containment
/// predicates.
/// </summary>
/// <remarks>
/// <para>
/// Order: results are ranked by score, descending; equal scores are ordered by chunk id, descending — in each list
/// (by the database, comparing ids byte-wise as UTF-8, which is ordinal order except between characters above U+FFFF
/// and U+E000–U+FFFF) and in the fused list (by <see cref="ScoreFusion"/>, ordinally), the order trec_eval re-sorts a
/// run into. The result is deterministic for a given database content.
/// </para>
/// <para>
/// Keyword ranking is PostgreSQL's cover density, not BM25: on SQuAD its nDCG@10 is below the in-process BM25 (see the
/// package README). Scores: cosine similarity (or the inner product) for vector search, <c>ts_rank_cd</c> for keyword
/// search, the fused score in hybrid mode. Thread-safe; each search takes a pooled connection for one round trip.
/// </para>
/// </remarks>
public sealed class PostgresRetriever : IRetriever, IFingerprintable
{
    private readonly PostgresChunkStore _collection;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly PostgresRetrieverOptions _options;
    private volatile bool _indexChecked;

    /// <summary>Creates the retriever.</summary>
    /// <param name="collection">The chunks to search.</param>
    /// <param name="embeddings">Embeds queries, with the model that embedded the chunks; may be <see langword="null"/> only in <see cref="PostgresSearchMode.Keyword"/> mode.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (hybrid, exact, z-score fusion with equal weights).</param>
    public PostgresRetriever(PostgresChunkStore collection, IEmbeddingGenerator<string, Embedding<float>>? embeddings, PostgresRetrieverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _options = (options ?? new PostgresRetrieverOptions()).Validated();
        if (embeddings is null && _options.Mode != PostgresSearchMode.Keyword)
        {
            throw new ArgumentNullException(nameof(embeddings), $"Mode {_options.Mode} searches by embedding; pass the embedding model the collection was built with, or use Mode = Keyword.");
        }

        _collection = collection;
        _embeddings = embeddings;
    }

    /// <summary>Gets the retriever's name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets the collection searched.</summary>
    public PostgresChunkStore Collection => _collection;

    /// <inheritdoc/>
    /// <exception cref="PostgresStoreException">The query embedding's dimension differs from the collection's, approximate search was asked for without an HNSW index, or the server is unreachable.</exception>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new ArgumentException("The query is empty or white space; pass the text to search for.", nameof(request));
        }

        var database = _collection.Database;
        await _collection.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (_options.Approximate && _options.Mode != PostgresSearchMode.Keyword && !_indexChecked)
        {
            if (!await _collection.HasHnswIndexAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new PostgresStoreException(PostgresErrorKind.IndexMissing, $"Approximate search was asked for, but collection '{_collection.Name}' has no HNSW index. Build it with CreateHnswIndexAsync(), or set PostgresRetrieverOptions.Approximate = false for exact search.");
            }

            _indexChecked = true;
        }

        var vector = _options.Mode == PostgresSearchMode.Keyword ? null : await EmbedAsync(request.Query, cancellationToken).ConfigureAwait(false);
        var depth = _options.Mode == PostgresSearchMode.Hybrid ? Math.Max(request.Top, _options.Fusion.CandidatesPerRetriever) : request.Top;
        var (vectorHits, keywordHits) = await database.Retry.ExecuteAsync((connection, ct) => QueryAsync(connection, request, vector, depth, ct), cancellationToken).ConfigureAwait(false);
        switch (_options.Mode)
        {
            case PostgresSearchMode.Vector:
                return vectorHits;
            case PostgresSearchMode.Keyword:
                return keywordHits;
            default:
                var fused = ScoreFusion.Fuse([Candidates(vectorHits), Candidates(keywordHits)], [_options.VectorWeight, _options.KeywordWeight], _options.Fusion.Method, _options.Fusion.RrfK, request.Top);
                var results = new RetrievedChunk[fused.Count];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = WithScore(fused[i].Item, fused[i].Score);
                }

                return results;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Reads the collection's content digest from the database (synchronously, one short query).</remarks>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("name", Name)
            .Add("mode", _options.Mode.ToString())
            .Add("collection", _collection.Name)
            .Add("dimension", _collection.Dimension)
            .Add("distance", _collection.Distance.ToString())
            .Add("text-search", _collection.TextSearchConfiguration)
            .Add("rank-normalization", _options.RankNormalization)
            .Add("vector-search", _options.Approximate ? "hnsw" : "exact")
            .Add("ef-search", _options.Approximate ? _options.EfSearch : 0)
            .Add("method", _options.Fusion.Method.ToString())
            .Add("rrf-k", _options.Fusion.RrfK)
            .Add("candidates", _options.Fusion.CandidatesPerRetriever)
            .Add("dedupe", _options.Fusion.DeduplicateBy.ToString())
            .Add("vector-weight", _options.VectorWeight)
            .Add("keyword-weight", _options.KeywordWeight)
            .Add("embedding-model", _embeddings is null ? null : _embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? _embeddings.GetType().FullName)
            .Add("content", _collection.ReadContentDigest());
    }

    private static RetrievedChunk WithScore(RetrievedChunk chunk, double score) => new()
    {
        ChunkId = chunk.ChunkId,
        SourceId = chunk.SourceId,
        Text = chunk.Text,
        Score = score,
        StartOffset = chunk.StartOffset,
        Length = chunk.Length,
        Metadata = chunk.Metadata,
        RetrieverName = chunk.RetrieverName,
    };

    private FusionCandidate<RetrievedChunk>[] Candidates(RetrievedChunk[] hits)
    {
        var candidates = new FusionCandidate<RetrievedChunk>[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            candidates[i] = new FusionCandidate<RetrievedChunk>(hits[i], _options.Fusion.DeduplicateBy == FusionKey.SourceDocument ? hits[i].SourceId : hits[i].ChunkId, hits[i].Score);
        }

        return candidates;
    }

    private async Task<Vector> EmbedAsync(string query, CancellationToken cancellationToken)
    {
        var embeddings = await _embeddings!.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 1)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for one query.");
        }

        var vector = embeddings[0].Vector;
        if (vector.Length != _collection.Dimension)
        {
            throw new PostgresStoreException(
                PostgresErrorKind.DimensionMismatch,
                $"The embedding model returns {vector.Length}-dimensional vectors, but collection '{_collection.Name}' holds {_collection.Dimension}-dimensional ones. Query with the model the collection was built with, or re-embed the corpus into a new collection.");
        }

        return new Vector(vector);
    }

    private async Task<(RetrievedChunk[] Vector, RetrievedChunk[] Keyword)> QueryAsync(NpgsqlConnection connection, RetrievalRequest request, Vector? vector, int depth, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            var query = new NpgsqlBatchCommand();
            var filter = new StringBuilder();
            MetadataPredicate.Append(filter, query.Parameters, request.Filter, "metadata", "f");
            if (vector is not null)
            {
                // SET LOCAL lasts for this batch's implicit transaction only, so pooled connections keep their settings.
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_options.Approximate
                    ? string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {_options.EfSearch}")
                    : "SET LOCAL enable_indexscan = off"));
                if (_options.Approximate && request.Filter is not null && _collection.Database.PgvectorVersion >= PostgresConstants.IterativeScanPgvector)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL hnsw.iterative_scan = strict_order"));
                }

                query.Parameters.AddWithValue("v", vector);
            }

            query.Parameters.AddWithValue("depth", depth);
            query.CommandText = Sql(vector is not null, _options.Mode != PostgresSearchMode.Vector, filter.ToString());
            if (_options.Mode != PostgresSearchMode.Vector)
            {
                query.Parameters.AddWithValue("q", request.Query);
            }

            batch.BatchCommands.Add(query);
            var vectorHits = new List<RetrievedChunk>(vector is null ? 0 : depth);
            var keywordHits = new List<RetrievedChunk>(_options.Mode == PostgresSearchMode.Vector ? 0 : depth);
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var list = reader.GetInt32(0);
                    var chunk = new RetrievedChunk
                    {
                        ChunkId = reader.GetString(1),
                        SourceId = reader.GetString(2),
                        Text = reader.GetString(3),
                        StartOffset = reader.GetInt32(4),
                        Length = reader.GetInt32(5),
                        Metadata = MetadataPredicate.Parse(reader.GetString(6)),
                        Score = reader.GetDouble(7),
                        RetrieverName = Name,
                    };
                    (list == 0 ? vectorHits : keywordHits).Add(chunk);
                }
            }

            return (vectorHits.ToArray(), keywordHits.ToArray());
        }
    }

    private string Sql(bool vector, bool keyword, string filter)
    {
        const string Columns = "id, source_id, text, start_offset, length, metadata::text AS metadata";
        var table = _collection.Table;
        var op = _collection.DistanceOperator;
        var parts = new List<string>(2);
        var ctes = new List<string>(3);
        if (vector)
        {
            // Exact search orders by distance then id (a top-N sort over every row); the HNSW index orders by distance only,
            // and the final ORDER BY sorts its ties.
            var order = _options.Approximate ? $"embedding {op} @v" : $"embedding {op} @v, id DESC";
            ctes.Add($"vector_hits AS (SELECT {Columns}, embedding {op} @v AS distance FROM {table} WHERE true{filter} ORDER BY {order} LIMIT @depth)");
            var score = _collection.Distance == PostgresVectorDistance.Cosine ? "1 - distance" : "-distance";
            parts.Add($"SELECT 0 AS list, id, source_id, text, start_offset, length, metadata, ({score})::float8 AS score FROM vector_hits");
        }

        if (keyword)
        {
            // The query's lexemes joined by OR (plainto_tsquery joins them by AND, which would demand every word).
            ctes.Add($"query AS (SELECT replace(plainto_tsquery('{_collection.TextSearchConfiguration}'::regconfig, @q)::text, ' & ', ' | ')::tsquery AS terms)");
            ctes.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"keyword_hits AS (SELECT {Columns}, ts_rank_cd(tsv, query.terms, {_options.RankNormalization})::float8 AS score FROM {table}, query WHERE tsv @@ query.terms{filter} ORDER BY score DESC, id DESC LIMIT @depth)"));
            parts.Add("SELECT 1 AS list, id, source_id, text, start_offset, length, metadata, score FROM keyword_hits");
        }

        return $"WITH {string.Join(",\n", ctes)}\n{string.Join("\nUNION ALL\n", parts)}\nORDER BY list, score DESC, id DESC";
    }
}
