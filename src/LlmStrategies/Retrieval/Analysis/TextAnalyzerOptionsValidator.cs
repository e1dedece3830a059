using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval.Analysis;

/// <summary>Validates <see cref="TextAnalyzerOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class TextAnalyzerOptionsValidator : IValidateOptions<TextAnalyzerOptions>
{
}
