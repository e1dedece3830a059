using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>Validates <see cref="EmbeddingAdapterFineTunerOptions"/> from its data annotations (and of its training hyper-parameters) (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class EmbeddingAdapterFineTunerOptionsValidator : IValidateOptions<EmbeddingAdapterFineTunerOptions>
{
}
