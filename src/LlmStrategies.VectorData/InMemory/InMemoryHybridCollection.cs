using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
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
public sealed partial class InMemoryHybridCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
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

    private Func<StoredRecord<TKey>, object?> ValueReader(PropertyModel property) => property switch
    {
        KeyPropertyModel => row => row.Key,
        _ => CreateDataReader(property),
    };

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

    private bool CheckIncludeVectors(bool includeVectors)
    {
        if (includeVectors && _model.EmbeddingGenerationRequired)
        {
            throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration);
        }

        return includeVectors;
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
