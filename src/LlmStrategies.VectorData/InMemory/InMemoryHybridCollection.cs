using LlmStrategies.Retrieval.Hybrid;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlmStrategies.Retrieval.Keyword;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

/// <summary>
/// An in-memory Microsoft.Extensions.VectorData collection searched with the LlmStrategies SIMD vector indexes and BM25:
/// vector search (<see cref="IVectorSearchable{TRecord}"/>) and keyword hybrid search
/// (<see cref="IKeywordHybridSearchable{TRecord}"/>, weighted reciprocal rank fusion of the two lists), for Semantic
/// Kernel and Microsoft.Extensions.AI code written against <see cref="VectorStoreCollection{TKey, TRecord}"/>.
/// </summary>
/// <typeparam name="TKey">The key type; any type with value equality (string, Guid, int, long...).</typeparam>
/// <typeparam name="TRecord">The record type, described by <c>[VectorStoreKey]</c>, <c>[VectorStoreData]</c> and
/// <c>[VectorStoreVector]</c> attributes or a <see cref="VectorStoreCollectionDefinition"/>.</typeparam>
/// <remarks>
/// <para><b>Record model.</b> At least one vector property (ReadOnlyMemory&lt;float&gt;, float[], Embedding&lt;float&gt;, or any
/// type an embedding generator accepts, such as string). Each vector property has its own index, chosen by its
/// <c>IndexKind</c> (Flat by default, QuantizedFlat, Hnsw) and <c>DistanceFunction</c> (CosineSimilarity by default,
/// CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance);
/// scores are reported on that function's scale, so distances ascend. String data properties marked
/// <c>IsFullTextIndexed</c> get a BM25 index; data properties marked <c>IsIndexed</c> can be filtered on.</para>
/// <para><b>Filters.</b> <c>==</c> between an indexed property and a value (captured variables included), <c>&amp;&amp;</c>,
/// <c>||</c> of equalities on one property, <c>list.Contains(r.Property)</c>, a bool property or its negation. Anything else
/// throws <see cref="NotSupportedException"/> naming the construct; a filter on a property that is not indexed throws
/// <see cref="InvalidOperationException"/>.</para>
/// <para><b>Storage.</b> Records are copied in: later changes to an upserted object do not change the collection, and
/// reads return new objects (data property values are copied by reference). As in other connectors, the collection must be
/// created with <see cref="EnsureCollectionExistsAsync"/> before use, and <c>IncludeVectors</c> is not supported for
/// properties whose vectors the collection generates.</para>
/// <para><b>Thread-safety.</b> Any number of concurrent searches and reads; writes are serialised.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Every Microsoft.Extensions.VectorData connector names its VectorStoreCollection subclass <Store>Collection (InMemoryCollection, QdrantCollection...).")]
public sealed class InMemoryHybridCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly CollectionModel _model;
    private readonly StorageRegistry _registry;
    private readonly bool _ownsRegistry;
    private readonly InMemoryHybridCollectionOptions _options;
    private readonly HybridFusionOptions _fusion;
    private readonly DataPropertyModel[] _fullTextProperties;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly string _schema;

    /// <summary>Creates a standalone collection (not part of a <see cref="InMemoryHybridVectorStore"/>).</summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="NotSupportedException">The record model uses something this store cannot index (an unsupported
    /// vector type, distance function or index kind, an indexed property of an unsupported type, a non-string full-text property).</exception>
    /// <exception cref="InvalidOperationException">The record model is invalid (no key, a vector property without dimensions,
    /// a non-vector property type without an embedding generator...).</exception>
    [RequiresUnreferencedCode("Reads the record type's properties and attributes by reflection; for trimmed or NativeAOT applications use InMemoryHybridVectorStore.GetDynamicCollection.")]
    [RequiresDynamicCode("Reads the record type's properties and attributes by reflection; for trimmed or NativeAOT applications use InMemoryHybridVectorStore.GetDynamicCollection.")]
    public InMemoryHybridCollection(string name, InMemoryHybridCollectionOptions? options = null)
        : this(name, options, registry: null, options => HybridModelBuilder.BuildFor(typeof(TRecord), typeof(TKey), options.Definition, options.EmbeddingGenerator))
    {
    }

    internal InMemoryHybridCollection(string name, InMemoryHybridCollectionOptions? options, StorageRegistry? registry, Func<InMemoryHybridCollectionOptions, CollectionModel> buildModel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _options = new InMemoryHybridCollectionOptions(ValidatedOptions.ThrowIfInvalid(new InMemoryHybridCollectionOptionsValidator(), options ?? new InMemoryHybridCollectionOptions()));
        _fusion = (_options.Fusion ?? new HybridFusionOptions()).Validated();
        _model = buildModel(_options);
        _fullTextProperties = _model.DataProperties.Where(p => p.IsFullTextIndexed).ToArray();
        _schema = CollectionStorage<TKey>.SchemaOf(typeof(TRecord), _model);
        _ownsRegistry = registry is null;
        _registry = registry ?? new StorageRegistry();
        Name = name;
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = InMemoryHybridVectorStore.SystemName, CollectionName = name };
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_registry.Contains(Name));

    /// <inheritdoc/>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        _ = Storage("EnsureCollectionExists", create: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _registry.Remove(Name);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var includeVectors = CheckIncludeVectors(options?.IncludeVectors ?? false);
        var storage = Storage("Get");
        return Task.FromResult(storage.TryGet(key, out var row) ? Materialize(row, includeVectors) : null);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var compiled = FilterCompiler.Compile(filter, _model);
        var storage = Storage("Get");

        var rows = storage.Rows().Where(r => compiled.Matches(r.Metadata));
        if (options.OrderBy?.Invoke(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values is { Count: > 0 } order)
        {
            IOrderedEnumerable<StoredRecord<TKey>>? sorted = null;
            foreach (var sort in order)
            {
                var value = ValueReader(_model.GetDataOrKeyProperty(sort.PropertySelector));
                sorted = (sorted, sort.Ascending) switch
                {
                    (null, true) => rows.OrderBy(value, Comparer<object?>.Default),
                    (null, false) => rows.OrderByDescending(value, Comparer<object?>.Default),
                    (_, true) => sorted.ThenBy(value, Comparer<object?>.Default),
                    (_, false) => sorted.ThenByDescending(value, Comparer<object?>.Default),
                };
            }

            rows = sorted!;
        }

        foreach (var row in rows.Skip(options.Skip).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Materialize(row, includeVectors);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        Storage("Delete").Delete([key]);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Storage("Delete").Delete(keys.ToArray());
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A record has a vector whose length is not its property's dimensions, a
    /// non-finite value, or (for cosine) only zeros.</exception>
    /// <exception cref="InvalidOperationException">An embedding generator returned vectors of another dimension than the property's.</exception>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records.ToArray();
        if (Array.IndexOf(batch, null) >= 0)
        {
            throw new ArgumentException("The batch contains a null record.", nameof(records));
        }

        var storage = Storage("Upsert");
        if (batch.Length == 0)
        {
            return;
        }

        // Embeddings first (one generator call per property for the whole batch), so that a failure stores nothing.
        var vectorProperties = _model.VectorProperties;
        var generated = new IReadOnlyList<Embedding>?[vectorProperties.Count];
        for (var p = 0; p < vectorProperties.Count; p++)
        {
            var property = vectorProperties[p];
            if (HybridModelBuilder.IsNativeVectorType(property.Type))
            {
                continue;
            }

            generated[p] = await property.GenerateEmbeddingsAsync(batch.Select(property.GetValueAsObject), cancellationToken).ConfigureAwait(false);
            if (generated[p]!.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator of vector property '{property.ModelName}' returned {generated[p]!.Count} embeddings for {batch.Length} records.");
            }
        }

        var rows = new (TKey Key, object?[] Data, float[]?[] Vectors, IReadOnlyDictionary<string, string> Metadata)[batch.Length];
        var fullTexts = new string?[batch.Length][];
        for (var i = 0; i < batch.Length; i++)
        {
            var record = batch[i];
            var key = KeyOf(record);
            var vectors = new float[]?[vectorProperties.Count];
            for (var p = 0; p < vectorProperties.Count; p++)
            {
                vectors[p] = generated[p] is { } embeddings
                    ? CheckedCopy(((Embedding<float>)embeddings[i]).Vector, vectorProperties[p], key, fromGenerator: true)
                    : VectorOf(record, vectorProperties[p], key);
            }

            var data = _model.DataProperties.Select(d => d.GetValueAsObject(record)).ToArray();
            rows[i] = (key, data, vectors, MetadataOf(data));
            fullTexts[i] = _fullTextProperties.Select(f => (string?)f.GetValueAsObject(record)).ToArray();
        }

        storage.Upsert(rows, fullTexts);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The search vector's length is not the property's dimensions, or a string search value is empty.</exception>
    /// <exception cref="NotSupportedException">The search value is not a vector and no embedding generator is configured,
    /// the filter uses an unsupported construct, or <c>IncludeVectors</c> is set for generated vectors.</exception>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(options);
        var filter = FilterCompiler.Compile(options.Filter, _model);
        var storage = Storage("Search");
        var query = await QueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);

        var p = IndexOf(vectorProperty);
        var scoring = VectorScoring.For(vectorProperty);
        var candidates = VectorCandidates(storage, p, query, filter, top + options.Skip);
        foreach (var (row, indexScore) in candidates.Skip(options.Skip))
        {
            var score = scoring.Convert(indexScore);
            if (!scoring.Passes(score, options.ScoreThreshold))
            {
                // Candidates come best first, so every later one fails the threshold too.
                yield break;
            }

            yield return new VectorSearchResult<TRecord>(Materialize(row, includeVectors), score);
        }
    }

    /// <summary>
    /// Searches with a vector (or text embedded by the property's generator) and keywords at once: the vector index and the
    /// BM25 index of the full-text property each return their best candidates under the same filter, and the lists are
    /// fused by weighted reciprocal rank (<see cref="HybridFusionOptions"/>). The result's score is the fused score.
    /// </summary>
    /// <typeparam name="TInput">The search value's type: a vector, or what the vector property's embedding generator accepts.</typeparam>
    /// <param name="searchValue">The vector, or text to embed.</param>
    /// <param name="keywords">The keywords for BM25; at least one non-blank.</param>
    /// <param name="top">How many results at most.</param>
    /// <param name="options">Filter, vector and full-text property selection, skip, score threshold (on the fused score), vectors.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The results, best first.</returns>
    /// <exception cref="ArgumentException">No keyword has text, or the search vector has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The record has no full-text property (mark a string data property
    /// <c>IsFullTextIndexed</c>), or several and <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/> does not choose one.</exception>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new HybridSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var keywordQuery = string.Join(' ', keywords.Where(k => !string.IsNullOrWhiteSpace(k)));
        if (keywordQuery.Length == 0)
        {
            throw new ArgumentException("The keywords are empty or blank; pass at least one keyword for the full-text search (or use SearchAsync for vector search alone).", nameof(keywords));
        }

        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var fullTextProperty = FullTextPropertyOf(options.AdditionalProperty);
        var filter = FilterCompiler.Compile(options.Filter, _model);
        var storage = Storage("HybridSearch");
        var query = await QueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);

        var depth = Math.Max(top + options.Skip, _fusion.CandidatesPerList);
        var vectorList = VectorCandidates(storage, IndexOf(vectorProperty), query, filter, depth).Select(c => Candidate(c.Row, c.Score)).ToArray();
        var keywordList = KeywordCandidates(storage, Array.IndexOf(_fullTextProperties, fullTextProperty), keywordQuery, filter, depth).Select(c => Candidate(c.Row, c.Score)).ToArray();
        var fused = ScoreFusion.Fuse([vectorList, keywordList], [_fusion.VectorWeight, _fusion.KeywordWeight], _fusion.Method, _fusion.RrfK, options.Skip + top);
        foreach (var (row, _, score) in fused.Skip(options.Skip))
        {
            if (options.ScoreThreshold is { } threshold && score < threshold)
            {
                yield break;
            }

            yield return new VectorSearchResult<TRecord>(Materialize(row, includeVectors), score);
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsRegistry)
        {
            _registry.Dispose();
        }

        base.Dispose(disposing);
    }

    private static float[] CheckedCopy(ReadOnlyMemory<float> vector, VectorPropertyModel property, TKey key, bool fromGenerator)
    {
        if (vector.Length != property.Dimensions)
        {
            throw fromGenerator
                ? new InvalidOperationException($"The embedding generator of vector property '{property.ModelName}' returned {vector.Length}-dimensional vectors, but the property is declared with {property.Dimensions} dimensions. Declare the model's dimension ([VectorStoreVector({vector.Length})]) or use the model the collection was created for.")
                : new ArgumentException($"Record '{key}' has a {vector.Length}-dimensional vector in property '{property.ModelName}', which is declared with {property.Dimensions} dimensions. Use the embedding model the collection was created for, or declare the property with {vector.Length} dimensions in a new collection.");
        }

        var copy = vector.ToArray();
        foreach (var value in copy)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Record '{key}' has a NaN or infinite value in vector property '{property.ModelName}'.");
            }
        }

        if (VectorScoring.For(property).Metric == VectorSearch.VectorMetric.Cosine && Array.TrueForAll(copy, v => v == 0))
        {
            throw new ArgumentException($"Record '{key}' has an all-zero vector in property '{property.ModelName}', which has no direction for cosine similarity. Store a real embedding, or leave the property null.");
        }

        return copy;
    }

    private static float[]? VectorOf(TRecord record, VectorPropertyModel property, TKey key) => property.GetValueAsObject(record) switch
    {
        null => null,
        ReadOnlyMemory<float> memory => CheckedCopy(memory, property, key, fromGenerator: false),
        float[] array => CheckedCopy(array, property, key, fromGenerator: false),
        Embedding<float> embedding => CheckedCopy(embedding.Vector, property, key, fromGenerator: false),
        var other => throw new InvalidOperationException($"Vector property '{property.ModelName}' holds a {other.GetType().Name}; expected one of {HybridModelBuilder.SupportedVectorTypes}."),
    };

    private Func<StoredRecord<TKey>, object?> ValueReader(PropertyModel property) => property switch
    {
        KeyPropertyModel => row => row.Key,
        _ => CreateDataReader(property),
    };

    private static async ValueTask<ReadOnlyMemory<float>> QueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
    {
        var vector = searchValue switch
        {
            ReadOnlyMemory<float> memory => memory,
            float[] array => array,
            Embedding<float> embedding => embedding.Vector,
            string text when string.IsNullOrWhiteSpace(text) => throw new ArgumentException("The search text is empty or white space; pass the text to search for.", nameof(searchValue)),
            _ when property.EmbeddingGenerationDispatcher is not null
                => ((Embedding<float>)await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false)).Vector,
            _ => throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(searchValue!.GetType(), HybridModelBuilder.SupportedVectorTypes)),
        };

        if (vector.Length != property.Dimensions)
        {
            throw new ArgumentException($"The search vector has {vector.Length} dimensions but vector property '{property.ModelName}' has {property.Dimensions}. Embed queries with the model the records were embedded with.", nameof(searchValue));
        }

        return vector;
    }

    private static List<(StoredRecord<TKey> Row, float Score)> VectorCandidates(CollectionStorage<TKey> storage, int vectorProperty, ReadOnlyMemory<float> query, RecordFilter filter, int wanted)
    {
        var index = storage.VectorIndex(vectorProperty);
        var count = index.Count;
        var found = new List<(StoredRecord<TKey>, float)>(Math.Min(wanted, Math.Max(count, 1)));
        if (count == 0 || filter.MatchesNothing)
        {
            return found;
        }

        // Conditions the index cannot evaluate (several allowed values) are checked on over-fetched candidates.
        var fetch = Math.Min(count, filter.NeedsPostFilter ? wanted * 4 : wanted);
        while (true)
        {
            found.Clear();
            var hits = index.Search(query.Span, fetch, filter.IndexFilter);
            foreach (var hit in hits)
            {
                if (storage.Row(hit.Key) is { } row && (!filter.NeedsPostFilter || filter.Matches(row.Metadata)))
                {
                    found.Add((row, hit.Score));
                    if (found.Count == wanted)
                    {
                        return found;
                    }
                }
            }

            if (hits.Length < fetch || fetch >= count)
            {
                return found;
            }

            fetch = (int)Math.Min(count, fetch * 4L);
        }
    }

    private static List<(StoredRecord<TKey> Row, double Score)> KeywordCandidates(CollectionStorage<TKey> storage, int fullTextProperty, string query, RecordFilter filter, int wanted)
    {
        if (storage.Count == 0 || filter.MatchesNothing)
        {
            return [];
        }

        var hits = storage.KeywordIndex(fullTextProperty).Search(query, wanted, filter.KeywordFilter);
        var rows = new List<(StoredRecord<TKey>, double)>(hits.Count);
        foreach (var hit in hits)
        {
            if (storage.Row(CollectionStorage<TKey>.RowIdOf(hit.Chunk.Id)) is { } row)
            {
                rows.Add((row, hit.Score));
            }
        }

        return rows;
    }

    /// <summary>A row as the fusion sees it: keyed (and tie-broken) by the record key's invariant text.</summary>
    private static FusionCandidate<StoredRecord<TKey>> Candidate(StoredRecord<TKey> row, double score) =>
        new(row, Convert.ToString(row.Key, CultureInfo.InvariantCulture) ?? string.Empty, score);

    private Func<StoredRecord<TKey>, object?> CreateDataReader(PropertyModel property)
    {
        var index = IndexOfData(property);
        return row => row.Data[index];
    }

    private int IndexOfData(PropertyModel property)
    {
        for (var i = 0; i < _model.DataProperties.Count; i++)
        {
            if (ReferenceEquals(_model.DataProperties[i], property))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Property '{property.ModelName}' is not a data property of the collection.");
    }

    private int IndexOf(VectorPropertyModel property)
    {
        for (var i = 0; i < _model.VectorProperties.Count; i++)
        {
            if (ReferenceEquals(_model.VectorProperties[i], property))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Property '{property.ModelName}' is not a vector property of the collection.");
    }

    private DataPropertyModel FullTextPropertyOf(Expression<Func<TRecord, object?>>? selector)
    {
        if (_fullTextProperties.Length == 0)
        {
            throw new InvalidOperationException($"Collection '{Name}' has no full-text property, so it cannot run a keyword hybrid search. Mark a string data property [VectorStoreData(IsFullTextIndexed = true)] (or IsFullTextIndexed = true in the record definition).");
        }

        return _model.GetFullTextDataPropertyOrSingle(selector);
    }

    private bool CheckIncludeVectors(bool includeVectors)
    {
        if (includeVectors && _model.EmbeddingGenerationRequired)
        {
            throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration);
        }

        return includeVectors;
    }

    private TKey KeyOf(TRecord record)
    {
        var keyProperty = _model.KeyProperty;
        var key = keyProperty.GetValueAsObject(record);
        if (keyProperty.IsAutoGenerated && key is Guid guid && guid == Guid.Empty)
        {
            // As in the other connectors: an empty Guid key asks the store to generate one, written back to the record.
            var generated = Guid.NewGuid();
            keyProperty.SetValueAsObject(record, generated);
            key = generated;
        }

        return key is TKey typed
            ? typed
            : throw new ArgumentException($"A record's key property '{keyProperty.ModelName}' is {(key is null ? "null" : $"a {key.GetType().Name}")}; every record needs a key of type {typeof(TKey).Name}.");
    }

    private Dictionary<string, string> MetadataOf(object?[] data)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < data.Length; i++)
        {
            if (_model.DataProperties[i] is { IsIndexed: true } indexed)
            {
                metadata[indexed.ModelName] = IndexedValues.Encode(data[i], indexed.Type);
            }
        }

        return metadata;
    }

    private TRecord Materialize(StoredRecord<TKey> row, bool includeVectors)
    {
        var record = _model.CreateRecord<TRecord>()!;
        _model.KeyProperty.SetValueAsObject(record, row.Key);
        for (var i = 0; i < row.Data.Length; i++)
        {
            _model.DataProperties[i].SetValueAsObject(record, row.Data[i]);
        }

        if (includeVectors)
        {
            for (var p = 0; p < row.Vectors.Length; p++)
            {
                if (row.Vectors[p] is not { } vector)
                {
                    continue;
                }

                var property = _model.VectorProperties[p];
                var type = Nullable.GetUnderlyingType(property.Type) ?? property.Type;
                object value = type == typeof(float[]) ? vector.ToArray()
                    : type == typeof(Embedding<float>) ? new Embedding<float>(vector)
                    : new ReadOnlyMemory<float>(vector);
                property.SetValueAsObject(record, value);
            }
        }

        return record;
    }

    private CollectionStorage<TKey> Storage(string operation, bool create = false)
    {
        IDisposable? storage;
        if (create)
        {
            storage = _registry.GetOrAdd(Name, () => new CollectionStorage<TKey>(typeof(TRecord), _model, _options.Hnsw, _options.Bm25));
        }
        else if (!_registry.TryGet(Name, out storage))
        {
            throw new VectorStoreException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync() before {operation}.")
            {
                VectorStoreSystemName = InMemoryHybridVectorStore.SystemName,
                CollectionName = Name,
                OperationName = operation,
            };
        }

        if (storage is not CollectionStorage<TKey> typed || typed.RecordType != typeof(TRecord))
        {
            throw new InvalidOperationException($"Collection '{Name}' already exists with another record or key type; it cannot be used as a collection of {typeof(TRecord).Name} keyed by {typeof(TKey).Name}.");
        }

        if (typed.Schema != _schema)
        {
            throw new InvalidOperationException($"Collection '{Name}' already exists with another record layout ({typed.Schema}); this collection object describes {_schema}. Use the same definition, or another collection name.");
        }

        return typed;
    }
}
