using Microsoft.Extensions.Options;

namespace LlmStrategies.Monitoring.OnlineEvaluation;

/// <summary>Validates <see cref="OnlineEvaluationOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class OnlineEvaluationOptionsValidator : IValidateOptions<OnlineEvaluationOptions>
{
}
