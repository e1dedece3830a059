using System.Collections.Concurrent;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval.Vector;

/// <summary>
/// Semantic retrieval: chunks are embedded with any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and searched
/// in a SIMD <see cref="IVectorIndex{TKey}"/> (exact flat by default; pass an int8 or HNSW index for large corpora).
/// Metadata filters become index filters when every condition names one value, and are applied to over-fetched
/// candidates otherwise.
/// </summary>
/// <remarks>Thread-safe: searches may run while chunks are added or removed.</remarks>
public sealed class VectorRetriever : IRetriever, IFingerprintable, IContentVersioned, IDisposable
{
    private const int EmbeddingBatchSize = 64;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly Func<int, IVectorIndex<string>> _createIndex;
    private readonly ConcurrentDictionary<string, TextChunk> _chunks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IVectorIndex<string>? _index;
    private ContentDigest _content;
    private long _version;

    /// <summary>Creates a retriever over an exact cosine index created on the first chunk (its dimension is the model's).</summary>
    /// <param name="embeddings">Embeds chunks and queries; the same model for both.</param>
    /// <param name="name">The name reported in <see cref="RetrievedChunk.RetrieverName"/>.</param>
    public VectorRetriever(IEmbeddingGenerator<string, Embedding<float>> embeddings, string name = "vector")
        : this(embeddings, dimension => new FlatVectorIndex<string>(dimension, VectorMetric.Cosine, StringComparer.Ordinal), name)
    {
    }

    /// <summary>Creates a retriever over the given index.</summary>
    /// <param name="embeddings">Embeds chunks and queries; the same model for both.</param>
    /// <param name="index">The index (for example <see cref="HnswVectorIndex{TKey}"/>); its dimension must be the model's.</param>
    /// <param name="name">The name reported in <see cref="RetrievedChunk.RetrieverName"/>.</param>
    public VectorRetriever(IEmbeddingGenerator<string, Embedding<float>> embeddings, IVectorIndex<string> index, string name = "vector")
        : this(embeddings, _ => index, name)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
    }

    private VectorRetriever(IEmbeddingGenerator<string, Embedding<float>> embeddings, Func<int, IVectorIndex<string>> createIndex, string name)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _embeddings = embeddings;
        _createIndex = createIndex;
        Name = name;
    }

    /// <summary>Gets the retriever's name.</summary>
    public string Name { get; }

    /// <summary>Gets a digest of the indexed chunks, independent of insertion order; part of the fingerprint.</summary>
    public string ContentFingerprint
    {
        get
        {
            lock (_gate)
            {
                return _content.Value;
            }
        }
    }

    /// <summary>Gets the number of chunks indexed.</summary>
    public int Count => _chunks.Count;

    /// <summary>Embeds and indexes chunks (replacing chunks with the same ids), in batches of 64.</summary>
    /// <param name="chunks">The chunks.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>A task that completes when every chunk is searchable.</returns>
    /// <exception cref="InvalidOperationException">The model's vectors do not have the index's dimension.</exception>
    public async Task AddAsync(IEnumerable<TextChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var batch in chunks.Chunk(EmbeddingBatchSize))
        {
            var vectors = await EmbedAsync(batch.Select(c => c.Text).ToArray(), cancellationToken).ConfigureAwait(false);
            var index = IndexFor(vectors[0].Length);
            lock (_gate)
            {
                foreach (var chunk in batch)
                {
                    if (_chunks.TryGetValue(chunk.Id, out var replaced))
                    {
                        _content.Remove(replaced);
                    }

                    _chunks[chunk.Id] = chunk;
                    _content.Add(chunk);
                }
            }

            index.UpsertRange(batch.Select((c, i) => new VectorEntry<string>(c.Id, vectors[i], c.Metadata.Count == 0 ? null : c.Metadata)));
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Removes chunks.</summary>
    /// <param name="chunkIds">The chunks' ids; unknown ids are ignored.</param>
    /// <returns>The number removed.</returns>
    public int Remove(IEnumerable<string> chunkIds)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        var ids = chunkIds.ToArray();
        var removed = _index?.RemoveRange(ids) ?? 0;
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (_chunks.TryRemove(id, out var chunk))
                {
                    _content.Remove(chunk);
                }
            }
        }

        Interlocked.Increment(ref _version);

        return removed;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new ArgumentException("The query is empty or white space; pass the text to search for.", nameof(request));
        }

        var index = _index;
        if (index is null || index.Count == 0)
        {
            return [];
        }

        var query = (await EmbedAsync([request.Query], cancellationToken).ConfigureAwait(false))[0];
        CheckDimension(index, query.Length);

        // Conditions with one value each become an index filter; others are checked on over-fetched candidates.
        var conditions = request.Filter?.Conditions ?? [];
        VectorFilter? filter = null;
        foreach (var (field, values) in conditions.Where(c => c.Value.Length == 1).Take(VectorFilter.MaxTerms))
        {
            filter = filter is null ? VectorFilter.Equal(field, values[0]) : filter.And(field, values[0]);
        }

        var exact = conditions.All(c => c.Value.Length == 1) && conditions.Count <= VectorFilter.MaxTerms;
        var fetch = request.Top;
        while (true)
        {
            var hits = index.Search(query.Span, Math.Min(fetch, index.Count), filter);
            var chunks = hits
                .Select(h => (Hit: h, Found: _chunks.TryGetValue(h.Key, out var chunk), Chunk: chunk))
                .Where(x => x.Found && (exact || request.Filter!.Matches(x.Chunk!.Metadata)))
                .Take(request.Top)
                .Select(x => x.Chunk!.ToRetrieved(x.Hit.Score, Name))
                .ToArray();
            if (chunks.Length >= request.Top || hits.Length < fetch || fetch >= index.Count)
            {
                return chunks;
            }

            fetch *= 4;
        }
    }

    /// <summary>
    /// Gets a number that changes when chunks are added or removed, or when the index's search-time settings change
    /// (HNSW efSearch, the int8 index's re-scoring multiplier), so a strategy's fingerprint follows them at run time.
    /// </summary>
    public long ContentVersion => (Interlocked.Read(ref _version) << 20) ^ _index switch
    {
        HnswVectorIndex<string> hnsw => hnsw.EfSearch,
        QuantizedVectorIndex<string> quantized => quantized.RescoreMultiplier,
        _ => 0,
    };

    /// <inheritdoc/>
    /// <remarks>
    /// Writes the embedding model (its reported id and, when the generator fingerprints itself, its settings such as
    /// the tokenizer's normalisation), the index kind and every setting that changes results (HNSW M, efConstruction,
    /// efSearch and seed; the int8 index's re-scoring multiplier), the metric and a digest of the indexed chunks.
    /// </remarks>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = _embeddings.GetService<EmbeddingGeneratorMetadata>();
        builder.Add("name", Name)
            .Add("embedding-model", metadata?.DefaultModelId ?? _embeddings.GetType().FullName)
            .Add("embedding-dimensions", metadata?.DefaultModelDimensions)
            .AddComponent("embeddings", _embeddings.GetService<IFingerprintable>())
            .Add("index", _index?.GetType().Name)
            .Add("metric", _index?.Metric.ToString());
        switch (_index)
        {
            case HnswVectorIndex<string> hnsw:
                builder.Add("hnsw.m", hnsw.Options.M)
                    .Add("hnsw.ef-construction", hnsw.Options.EfConstruction)
                    .Add("hnsw.ef-search", hnsw.EfSearch)
                    .Add("hnsw.seed", hnsw.Options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case QuantizedVectorIndex<string> quantized:
                builder.Add("int8.rescore-multiplier", quantized.RescoreMultiplier);
                break;
        }

        builder.Add("content", ContentFingerprint);
    }

    /// <inheritdoc/>
    public void Dispose() => (_index as IDisposable)?.Dispose();

    private static void CheckDimension(IVectorIndex<string> index, int dimension)
    {
        if (index.Dimension != dimension)
        {
            throw new InvalidOperationException($"The embedding model returns {dimension}-dimensional vectors but the index holds {index.Dimension}-dimensional ones. Use the same model for indexing and querying, or rebuild the index with this model.");
        }
    }

    private IVectorIndex<string> IndexFor(int dimension)
    {
        lock (_gate)
        {
            _index ??= _createIndex(dimension);
            CheckDimension(_index, dimension);
            return _index;
        }
    }

    private async Task<ReadOnlyMemory<float>[]> EmbedAsync(string[] texts, CancellationToken cancellationToken)
    {
        var embeddings = await _embeddings.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Length)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {texts.Length} texts.");
        }

        return embeddings.Select(e => e.Vector).ToArray();
    }
}
