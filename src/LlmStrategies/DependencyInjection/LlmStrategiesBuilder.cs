using LlmStrategies.Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures LlmStrategies services further after <c>AddLlmStrategies</c>.</summary>
public sealed class LlmStrategiesBuilder
{
    internal LlmStrategiesBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers a named strategy pipeline; see <see cref="LlmStrategiesServiceCollectionExtensions.AddStrategyPipeline"/>.</summary>
    /// <param name="name">The strategy's name; also its service key.</param>
    /// <param name="configure">Adds stages to the builder, which starts from the registered defaults.</param>
    /// <returns>This builder.</returns>
    public LlmStrategiesBuilder AddStrategy(string name, Action<IServiceProvider, StrategyPipelineBuilder> configure)
    {
        Services.AddStrategyPipeline(name, configure);
        return this;
    }
}
