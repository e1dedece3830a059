using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval.Keyword;

/// <summary>Validates <see cref="Bm25Options"/> from its data annotations (source-generated, trimming-safe); the analyzer options are checked by the analyzer.</summary>
[OptionsValidator]
internal sealed partial class Bm25OptionsValidator : IValidateOptions<Bm25Options>
{
}
