using Microsoft.Extensions.Options;

namespace LlmStrategies.VectorData;

/// <summary>
/// Validates <see cref="InMemoryHybridVectorStoreOptions"/> (source-generated, trimming-safe): the fusion settings' data annotations. The HNSW
/// and BM25 settings are checked by the indexes that take them; the fusion weights' NaN and both-zero rule by
/// <see cref="HybridFusionOptions"/> itself.
/// </summary>
[OptionsValidator]
internal sealed partial class InMemoryHybridVectorStoreOptionsValidator : IValidateOptions<InMemoryHybridVectorStoreOptions>
{
}
