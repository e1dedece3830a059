using LlmStrategies.Retrieval.Keyword;
using Microsoft.Extensions.Options;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData;

/// <summary>Settings of an <see cref="InMemoryHybridCollection{TKey, TRecord}"/>.</summary>
/// <remarks>
/// <see cref="VectorStoreCollectionOptions.Definition"/> overrides the record type's attributes, and
/// <see cref="VectorStoreCollectionOptions.EmbeddingGenerator"/> embeds string (or other non-vector) inputs of vector
/// properties and searches, exactly as in other connectors. Each vector property picks its index with
/// <c>IndexKind</c>: <see cref="IndexKind.Flat"/> (exact, the default), <see cref="IndexKind.QuantizedFlat"/> (int8 with
/// float32 re-scoring) or <see cref="IndexKind.Hnsw"/> (approximate graph, configured by <see cref="Hnsw"/>).
/// </remarks>
public sealed class InMemoryHybridCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Initializes a new instance of the <see cref="InMemoryHybridCollectionOptions"/> class with the defaults.</summary>
    public InMemoryHybridCollectionOptions()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InMemoryHybridCollectionOptions"/> class as a copy of <paramref name="source"/>.</summary>
    /// <param name="source">The options to copy.</param>
    public InMemoryHybridCollectionOptions(InMemoryHybridCollectionOptions source)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Hnsw = source.Hnsw;
        Bm25 = source.Bm25;
        Fusion = source.Fusion;
    }

    /// <summary>Gets or sets the HNSW settings of vector properties with <c>IndexKind = IndexKind.Hnsw</c>; <see langword="null"/> for the defaults.</summary>
    public HnswOptions? Hnsw { get; set; }

    /// <summary>Gets or sets the BM25 settings (k1, b, analysis) of full-text properties; <see langword="null"/> for the defaults.</summary>
    // Not [ValidateObjectMembers]: Bm25Options' range attributes are internal to LlmStrategies, so this assembly's generated
    // validator cannot run them; the Bm25Index built from these options validates them (OptionsValidationException).
#pragma warning disable SYSLIB1212
    public Bm25Options? Bm25 { get; set; }
#pragma warning restore SYSLIB1212

    /// <summary>Gets or sets how hybrid search fuses the vector and keyword lists; <see langword="null"/> for the defaults.</summary>
    [ValidateObjectMembers]
    public HybridFusionOptions? Fusion { get; set; }
}
