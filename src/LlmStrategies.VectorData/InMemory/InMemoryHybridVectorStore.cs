using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData;

/// <summary>
/// An in-memory <see cref="VectorStore"/> whose collections are <see cref="InMemoryHybridCollection{TKey, TRecord}"/>s:
/// SIMD vector search and BM25 keyword hybrid search, for code written against the Microsoft.Extensions.VectorData
/// abstractions. Collection objects obtained for the same name share the same data.
/// </summary>
public sealed class InMemoryHybridVectorStore : VectorStore
{
    /// <summary>The name this store and its collections report in <see cref="VectorStoreMetadata"/> and errors.</summary>
    internal const string SystemName = "llmstrategies.inmemoryhybrid";

    private readonly StorageRegistry _registry = new();
    private readonly InMemoryHybridVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata = new() { VectorStoreSystemName = SystemName };

    /// <summary>Creates an empty store.</summary>
    /// <param name="options">Settings for every collection; <see langword="null"/> for the defaults.</param>
    public InMemoryHybridVectorStore(InMemoryHybridVectorStoreOptions? options = null)
    {
        options = ValidatedOptions.ThrowIfInvalid(new InMemoryHybridVectorStoreOptionsValidator(), options ?? new InMemoryHybridVectorStoreOptions());
        _options = new InMemoryHybridVectorStoreOptions
        {
            EmbeddingGenerator = options.EmbeddingGenerator,
            Hnsw = options.Hnsw,
            Bm25 = options.Bm25,
            Fusion = (options.Fusion ?? new HybridFusionOptions()).Validated(),
        };
    }

    /// <inheritdoc/>
    [RequiresUnreferencedCode("Reads the record type's properties and attributes by reflection; for trimmed or NativeAOT applications use GetDynamicCollection.")]
    [RequiresDynamicCode("Reads the record type's properties and attributes by reflection; for trimmed or NativeAOT applications use GetDynamicCollection.")]
    public override InMemoryHybridCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new(name, CollectionOptions(definition), _registry, options => HybridModelBuilder.BuildFor(typeof(TRecord), typeof(TKey), options.Definition, options.EmbeddingGenerator));

    /// <inheritdoc/>
    public override InMemoryHybridCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(name, CollectionOptions(definition), _registry, options => HybridModelBuilder.BuildDynamicFor(definition, options.EmbeddingGenerator));
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in _registry.Names.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Task.FromResult(_registry.Contains(name));
    }

    /// <inheritdoc/>
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _registry.Remove(name);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _registry.Dispose();
        }

        base.Dispose(disposing);
    }

    private InMemoryHybridCollectionOptions CollectionOptions(VectorStoreCollectionDefinition? definition) => new()
    {
        Definition = definition,
        EmbeddingGenerator = _options.EmbeddingGenerator,
        Hnsw = _options.Hnsw,
        Bm25 = _options.Bm25,
        Fusion = _options.Fusion,
    };
}
