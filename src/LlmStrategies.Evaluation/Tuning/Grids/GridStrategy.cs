using LlmStrategies.Pipeline;

namespace LlmStrategies.Tuning;

/// <summary>A strategy (a way to configure a pipeline, independent of the model) in a <see cref="ModelStrategyGrid"/>.</summary>
public sealed class GridStrategy
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">The row name in the pivot (for example "prompt-only" or "rag-hybrid"); unique in the grid.</param>
    /// <param name="configure">Configures a builder whose model is the cell's model.</param>
    public GridStrategy(string name, Action<StrategyPipelineBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Name = name;
        Configure = configure;
    }

    /// <summary>Gets the row name.</summary>
    public string Name { get; }

    /// <summary>Gets the configuration function.</summary>
    public Action<StrategyPipelineBuilder> Configure { get; }

    /// <summary>A grid strategy from one configuration of a tunable strategy (for example a tuned one), on whatever model the cell has.</summary>
    /// <param name="name">The row name.</param>
    /// <param name="strategy">The tunable strategy.</param>
    /// <param name="point">The configuration (for example <see cref="TunedConfiguration.Point"/>).</param>
    /// <returns>The grid strategy.</returns>
    public static GridStrategy From(string name, TunableStrategy strategy, SearchPoint point)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(point);
        if (strategy.Space.Problem(point) is { } problem)
        {
            throw new ArgumentException($"The point does not belong to the space of '{strategy.Name}': {problem}", nameof(point));
        }

        return new GridStrategy(name, builder => strategy.Configure(builder, point));
    }
}
