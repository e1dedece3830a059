using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>Validates <see cref="EmbeddingAdapterTrainingOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class EmbeddingAdapterTrainingOptionsValidator : IValidateOptions<EmbeddingAdapterTrainingOptions>
{
}
