using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval.QueryExpansion;

/// <summary>Validates <see cref="MultiQueryOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class MultiQueryOptionsValidator : IValidateOptions<MultiQueryOptions>
{
}
