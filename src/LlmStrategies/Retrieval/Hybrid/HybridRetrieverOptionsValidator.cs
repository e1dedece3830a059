using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>Validates <see cref="HybridRetrieverOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class HybridRetrieverOptionsValidator : IValidateOptions<HybridRetrieverOptions>
{
}
