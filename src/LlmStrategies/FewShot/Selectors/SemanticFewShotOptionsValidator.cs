using Microsoft.Extensions.Options;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>Validates <see cref="SemanticFewShotOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class SemanticFewShotOptionsValidator : IValidateOptions<SemanticFewShotOptions>
{
}
