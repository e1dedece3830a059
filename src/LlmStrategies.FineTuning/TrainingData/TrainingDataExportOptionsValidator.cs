using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>Validates <see cref="TrainingDataExportOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class TrainingDataExportOptionsValidator : IValidateOptions<TrainingDataExportOptions>
{
}
