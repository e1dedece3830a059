using LlmStrategies.Monitoring.Logging;
using Microsoft.Extensions.Compliance.Classification;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers redaction for prompt and answer text.</summary>
public static class LlmRedactionServiceCollectionExtensions
{
    /// <summary>
    /// Registers Microsoft.Extensions.Compliance redaction with <see cref="PatternRedactor"/> (e-mail addresses, phone
    /// numbers, credentials) for <see cref="LlmDataClassifications.PromptContent"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLlmContentRedaction(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddRedaction(builder => builder.SetRedactor<PatternRedactor>(new DataClassificationSet(LlmDataClassifications.PromptContent)));
    }
}
