using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>Validates <see cref="OpenAIFineTunerOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class OpenAIFineTunerOptionsValidator : IValidateOptions<OpenAIFineTunerOptions>
{
}
