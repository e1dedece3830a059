using LlmStrategies;
using LlmStrategies.FineTuning.OpenAI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an OpenAI-compatible <see cref="IFineTuner"/>.</summary>
public static class FineTuningServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OpenAIFineTuner"/> as the <see cref="IFineTuner"/>, configured by <paramref name="configure"/>
    /// (for example bound from the "FineTuning" configuration section) and validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOpenAIFineTuning(this IServiceCollection services, Action<OpenAIFineTunerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OpenAIFineTunerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAIFineTunerOptions>, OpenAIFineTunerOptionsValidator>());
        services.TryAddSingleton(sp => new OpenAIFineTuner(sp.GetRequiredService<IOptions<OpenAIFineTunerOptions>>().Value, timeProvider: sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IFineTuner>(sp => sp.GetRequiredService<OpenAIFineTuner>());
        return services;
    }
}
