using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>Validates <see cref="TrainingDataValidationOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class TrainingDataValidationOptionsValidator : IValidateOptions<TrainingDataValidationOptions>
{
}
