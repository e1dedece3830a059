using Microsoft.Extensions.Options;

namespace LlmStrategies.Monitoring;

/// <summary>Validates <see cref="MonitoredStrategyOptions"/> (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class MonitoredStrategyOptionsValidator : IValidateOptions<MonitoredStrategyOptions>
{
}
