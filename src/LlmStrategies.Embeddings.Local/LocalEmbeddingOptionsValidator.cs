using Microsoft.Extensions.Options;

namespace LlmStrategies.Embeddings.Local;

/// <summary>Validates <see cref="LocalEmbeddingOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class LocalEmbeddingOptionsValidator : IValidateOptions<LocalEmbeddingOptions>
{
}
