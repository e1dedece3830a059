using Microsoft.Extensions.Options;

namespace LlmStrategies.Experiments;

/// <summary>Validates <see cref="ExperimentOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class ExperimentOptionsValidator : IValidateOptions<ExperimentOptions>
{
}
