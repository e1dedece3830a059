using Microsoft.Extensions.Options;

namespace LlmStrategies.Pipeline;

/// <summary>Validates <see cref="StrategyPipelineOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class StrategyPipelineOptionsValidator : IValidateOptions<StrategyPipelineOptions>
{
}
