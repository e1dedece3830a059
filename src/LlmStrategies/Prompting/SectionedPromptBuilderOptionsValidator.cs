using Microsoft.Extensions.Options;

namespace LlmStrategies.Prompting;

/// <summary>Validates <see cref="SectionedPromptBuilderOptions"/> from its data annotations and the budget's rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class SectionedPromptBuilderOptionsValidator : IValidateOptions<SectionedPromptBuilderOptions>
{
}
