using Microsoft.Extensions.Options;

namespace LlmStrategies.Resilience;

/// <summary>Validates <see cref="ResilienceOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class ResilienceOptionsValidator : IValidateOptions<ResilienceOptions>
{
}
