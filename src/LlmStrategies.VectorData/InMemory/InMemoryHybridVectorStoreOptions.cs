using LlmStrategies.Retrieval.Keyword;
using Microsoft.Extensions.Options;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.AI;

namespace LlmStrategies.VectorData;

/// <summary>Settings of an <see cref="InMemoryHybridVectorStore"/>, applied to every collection it creates.</summary>
public sealed class InMemoryHybridVectorStoreOptions
{
    /// <summary>Gets or sets the default embedding generator of the store's collections (a record definition's generator takes precedence).</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the HNSW settings of vector properties with <c>IndexKind = IndexKind.Hnsw</c>; <see langword="null"/> for the defaults.</summary>
    public HnswOptions? Hnsw { get; set; }

    /// <summary>Gets or sets the BM25 settings of full-text properties; <see langword="null"/> for the defaults.</summary>
    // Not [ValidateObjectMembers]: Bm25Options' range attributes are internal to LlmStrategies, so this assembly's generated
    // validator cannot run them; the Bm25Index built from these options validates them (OptionsValidationException).
#pragma warning disable SYSLIB1212
    public Bm25Options? Bm25 { get; set; }
#pragma warning restore SYSLIB1212

    /// <summary>Gets or sets how hybrid search fuses the vector and keyword lists; <see langword="null"/> for the defaults.</summary>
    [ValidateObjectMembers]
    public HybridFusionOptions? Fusion { get; set; }
}
