using Microsoft.Extensions.Options;

namespace LlmStrategies.Experiments;

/// <summary>Validates <see cref="RegressionGateOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class RegressionGateOptionsValidator : IValidateOptions<RegressionGateOptions>
{
}
