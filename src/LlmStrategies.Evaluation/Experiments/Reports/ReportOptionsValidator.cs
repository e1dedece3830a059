using Microsoft.Extensions.Options;

namespace LlmStrategies.Experiments;

/// <summary>Validates <see cref="ReportOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class ReportOptionsValidator : IValidateOptions<ReportOptions>
{
}
