using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval;

/// <summary>Validates <see cref="RetrievalAugmentationOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class RetrievalAugmentationOptionsValidator : IValidateOptions<RetrievalAugmentationOptions>
{
}
