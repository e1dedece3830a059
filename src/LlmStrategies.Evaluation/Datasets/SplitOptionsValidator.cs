using Microsoft.Extensions.Options;

namespace LlmStrategies.Evaluation;

/// <summary>Validates <see cref="SplitOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class SplitOptionsValidator : IValidateOptions<SplitOptions>
{
}
