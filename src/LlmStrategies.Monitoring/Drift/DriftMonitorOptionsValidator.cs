using Microsoft.Extensions.Options;

namespace LlmStrategies.Monitoring.Drift;

/// <summary>Validates <see cref="DriftMonitorOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class DriftMonitorOptionsValidator : IValidateOptions<DriftMonitorOptions>
{
}
