using System.Linq.Expressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData;

/// <summary>
/// An <see cref="IRetriever"/> over any Microsoft.Extensions.VectorData collection: pgvector, Qdrant, Azure AI Search,
/// Redis, SQL Server, the in-memory stores, and every other connector, unchanged. Searches with
/// <see cref="IVectorSearchable{TRecord}"/>, or with <see cref="IKeywordHybridSearchable{TRecord}"/> when
/// <see cref="VectorStoreRetrieverOptions{TRecord}.UseHybridSearch"/> is set, and maps each record to a chunk with a
/// function you supply.
/// </summary>
/// <typeparam name="TRecord">The collection's record type.</typeparam>
/// <remarks>
/// The query is embedded by <see cref="VectorStoreRetrieverOptions{TRecord}.EmbeddingGenerator"/> when one is set, and
/// otherwise passed as text for the collection's own embedding generator. Metadata filters are translated by
/// <see cref="VectorStoreRetrieverOptions{TRecord}.FilterTranslator"/> and run inside the store. Thread-safe when the
/// collection is (connectors are).
/// </remarks>
public sealed class VectorStoreRetriever<TRecord> : IRetriever, IFingerprintable
    where TRecord : class
{
    private readonly IVectorSearchable<TRecord> _collection;
    private readonly IKeywordHybridSearchable<TRecord>? _hybrid;
    private readonly Func<TRecord, TextChunk> _toChunk;
    private readonly VectorStoreRetrieverOptions<TRecord> _options;

    /// <summary>Creates a retriever.</summary>
    /// <param name="collection">The collection, for example any <see cref="VectorStoreCollection{TKey, TRecord}"/>.</param>
    /// <param name="toChunk">Maps a record to the chunk it holds: id, source id, text, offsets and metadata.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">Hybrid search is asked for but the collection does not implement
    /// <see cref="IKeywordHybridSearchable{TRecord}"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names it.</exception>
    public VectorStoreRetriever(IVectorSearchable<TRecord> collection, Func<TRecord, TextChunk> toChunk, VectorStoreRetrieverOptions<TRecord>? options = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(toChunk);
        options = ValidatedOptions.ThrowIfInvalid(new VectorStoreRetrieverOptionsValidator<TRecord>(), options ?? new VectorStoreRetrieverOptions<TRecord>());

        _collection = collection;
        _toChunk = toChunk;
        _options = new VectorStoreRetrieverOptions<TRecord>
        {
            Name = options.Name,
            EmbeddingGenerator = options.EmbeddingGenerator,
            Dimensions = options.Dimensions,
            FilterTranslator = options.FilterTranslator,
            UseHybridSearch = options.UseHybridSearch,
            KeywordExtractor = options.KeywordExtractor,
            VectorProperty = options.VectorProperty,
            FullTextProperty = options.FullTextProperty,
            ScoreThreshold = options.ScoreThreshold,
            ScoreOrder = options.ScoreOrder,
        };

        if (options.UseHybridSearch)
        {
            _hybrid = collection as IKeywordHybridSearchable<TRecord>
                ?? collection.GetService(typeof(IKeywordHybridSearchable<TRecord>)) as IKeywordHybridSearchable<TRecord>
                ?? throw new ArgumentException($"UseHybridSearch is set, but {collection.GetType().Name} does not implement IKeywordHybridSearchable<{typeof(TRecord).Name}>. Turn hybrid search off, or use a connector that supports it.", nameof(collection));
        }
    }

    /// <summary>Gets the retriever's name.</summary>
    public string Name => _options.Name;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The query is empty or white space, or the filter translator rejects the filter (for example a field without a mapping).</exception>
    /// <exception cref="NotSupportedException">The request has a filter but no <see cref="VectorStoreRetrieverOptions{TRecord}.FilterTranslator"/> is set.</exception>
    /// <exception cref="InvalidOperationException">The query embedding does not have <see cref="VectorStoreRetrieverOptions{TRecord}.Dimensions"/> values, or <c>toChunk</c> returned null.</exception>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new ArgumentException("The query is empty or white space; pass the text to search for.", nameof(request));
        }

        var filter = TranslateFilter(request.Filter);
        var results = _options.EmbeddingGenerator is { } generator
            ? Search(await EmbedAsync(generator, request.Query, cancellationToken).ConfigureAwait(false), request, filter, cancellationToken)
            : Search(request.Query, request, filter, cancellationToken);

        var chunks = new List<RetrievedChunk>(request.Top);
        await foreach (var result in results.ConfigureAwait(false))
        {
            var chunk = _toChunk(result.Record)
                ?? throw new InvalidOperationException($"The record-to-chunk mapping of retriever '{Name}' returned null; map every record to a TextChunk.");

            // A collection that reports no score still returns best first; rank-based scores keep that order.
            var score = result.Score is { } s
                ? (_options.ScoreOrder == VectorStoreScoreOrder.LowerIsBetter ? -s : s)
                : 1.0 / (chunks.Count + 1);
            chunks.Add(chunk.ToRetrieved(score, Name));
            if (chunks.Count == request.Top)
            {
                break;
            }
        }

        return chunks;
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var collection = _collection.GetService(typeof(VectorStoreCollectionMetadata)) as VectorStoreCollectionMetadata;
        var embeddings = _options.EmbeddingGenerator?.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        builder.Add("name", Name)
            .Add("store", collection?.VectorStoreSystemName ?? _collection.GetType().FullName)
            .Add("collection", collection?.CollectionName)
            .Add("hybrid", _options.UseHybridSearch)
            .Add("embedding-model", _options.EmbeddingGenerator is null ? "collection" : embeddings?.DefaultModelId ?? _options.EmbeddingGenerator.GetType().FullName)
            .Add("vector-property", _options.VectorProperty?.ToString())
            .Add("full-text-property", _options.FullTextProperty?.ToString())
            .Add("score-threshold", _options.ScoreThreshold)
            .Add("score-order", _options.ScoreOrder.ToString());
    }

    private static List<string> DefaultKeywords(string query)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var start = -1;
        for (var i = 0; i <= query.Length; i++)
        {
            var inWord = i < query.Length && char.IsLetterOrDigit(query[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = query[start..i];
                if (seen.Add(word))
                {
                    words.Add(word);
                }

                start = -1;
            }
        }

        return words.Count > 0 ? words : [query.Trim()];
    }

    private Expression<Func<TRecord, bool>>? TranslateFilter(MetadataFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        if (_options.FilterTranslator is not { } translate)
        {
            throw new NotSupportedException($"The request has a metadata filter ({filter}) but retriever '{Name}' has no FilterTranslator, so it cannot pass the filter to the collection. Set VectorStoreRetrieverOptions.FilterTranslator (for example new MetadataFilterTranslator<{typeof(TRecord).Name}>().Map(...).Translate).");
        }

        return translate(filter) ?? throw new InvalidOperationException($"The FilterTranslator of retriever '{Name}' returned null for filter ({filter}).");
    }

    private async Task<ReadOnlyMemory<float>> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string query, CancellationToken cancellationToken)
    {
        var embeddings = await generator.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 1)
        {
            throw new InvalidOperationException($"The embedding generator of retriever '{Name}' returned {embeddings.Count} embeddings for one query.");
        }

        var vector = embeddings[0].Vector;
        if (_options.Dimensions is { } dimensions && vector.Length != dimensions)
        {
            throw new InvalidOperationException($"The embedding model of retriever '{Name}' returns {vector.Length}-dimensional vectors but the collection holds {dimensions}-dimensional ones. Query with the model the collection was built with, or rebuild the collection with this model.");
        }

        return vector;
    }

    private IAsyncEnumerable<VectorSearchResult<TRecord>> Search<TInput>(TInput input, RetrievalRequest request, Expression<Func<TRecord, bool>>? filter, CancellationToken cancellationToken)
        where TInput : notnull
    {
        if (_hybrid is null)
        {
            return _collection.SearchAsync(input, request.Top, new VectorSearchOptions<TRecord>
            {
                Filter = filter,
                VectorProperty = _options.VectorProperty,
                ScoreThreshold = _options.ScoreThreshold,
            }, cancellationToken);
        }

        var keywords = (_options.KeywordExtractor ?? DefaultKeywords)(request.Query)
            ?? throw new InvalidOperationException($"The KeywordExtractor of retriever '{Name}' returned null.");
        return _hybrid.HybridSearchAsync(input, keywords, request.Top, new HybridSearchOptions<TRecord>
        {
            Filter = filter,
            VectorProperty = _options.VectorProperty,
            AdditionalProperty = _options.FullTextProperty,
            ScoreThreshold = _options.ScoreThreshold,
        }, cancellationToken);
    }
}
