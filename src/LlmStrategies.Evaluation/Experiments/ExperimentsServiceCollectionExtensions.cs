using LlmStrategies.Experiments;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the experiment runner.</summary>
public static class ExperimentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExperimentRunner"/> as a singleton configured by <see cref="ExperimentOptions"/> (validated when
    /// the host starts, by the same source-generated validator the runner uses; messages name the setting). It uses
    /// the <see cref="PriceTable"/>, <see cref="IResponseCache"/>, <see cref="ChatConfiguration"/> (the judge) and
    /// <see cref="TimeProvider"/> registered in the container, when there are any.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddExperiments(this IServiceCollection services, Action<ExperimentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ExperimentOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExperimentOptions>, ExperimentOptionsValidator>());
        services.TryAddSingleton(sp => new ExperimentRunner(
            sp.GetRequiredService<IOptions<ExperimentOptions>>().Value,
            sp.GetService<PriceTable>(),
            sp.GetService<IResponseCache>(),
            sp.GetService<ChatConfiguration>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
