using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tuning;

/// <summary>
/// A strategy with settings to tune: a model, a <see cref="SearchSpace"/>, and a function that configures a pipeline
/// builder for one point of the space. The same function rebuilds a saved <see cref="TunedConfiguration"/>, so the
/// strategy that is deployed is the one that was measured.
/// </summary>
/// <example>
/// <code>
/// var space = new SearchSpace().Add("retrieval.top", 1, 3, 5).Add("retriever", "bm25", "hybrid");
/// var tunable = new TunableStrategy("rag", chatClient, space, (builder, point) =>
///     builder.UseRetrievalAugmentation(point.GetString("retriever") == "bm25" ? bm25 : hybrid, point.GetInt32("retrieval.top")),
///     model: "gpt-4o-mini");
/// </code>
/// </example>
public sealed class TunableStrategy
{
    private readonly Action<StrategyPipelineBuilder, SearchPoint> _configure;
    private readonly StrategyPipelineOptions? _defaults;

    /// <summary>Creates a tunable strategy.</summary>
    /// <param name="name">The strategy's name (reports, tuned configuration files).</param>
    /// <param name="chatClient">The model every configuration calls.</param>
    /// <param name="space">The settings to search (copied: later changes to it do not change this strategy).</param>
    /// <param name="configure">Configures a fresh builder for a point: the components (retriever, selector...) and options the point's values select. It must depend on nothing but the point (and components built once), so that a point always builds the same strategy.</param>
    /// <param name="model">The model's id in the price table, for cost estimates, budgets and cache keys; <see langword="null"/> when unknown.</param>
    /// <param name="defaults">Pipeline settings every configuration starts from (instructions, repair attempts...), or <see langword="null"/> for the pipeline's defaults.</param>
    public TunableStrategy(string name, IChatClient chatClient, SearchSpace space, Action<StrategyPipelineBuilder, SearchPoint> configure, string? model = null, StrategyPipelineOptions? defaults = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(configure);
        Name = name;
        ChatClient = chatClient;
        Space = space.Clone();
        _configure = configure;
        Model = model;
        if (defaults is not null)
        {
            _defaults = new StrategyPipelineOptions();
            _defaults.CopyFrom(defaults);
        }
    }

    /// <summary>Gets the strategy's name.</summary>
    public string Name { get; }

    /// <summary>Gets the model.</summary>
    public IChatClient ChatClient { get; }

    /// <summary>Gets the search space.</summary>
    public SearchSpace Space { get; }

    /// <summary>Gets the model's id in the price table, or <see langword="null"/>.</summary>
    public string? Model { get; }

    /// <summary>Configures <paramref name="builder"/> for <paramref name="point"/> (for a builder of your own, for example to add telemetry before building).</summary>
    /// <param name="builder">The builder; its model should be <see cref="ChatClient"/> for the fingerprint to match the tuned one.</param>
    /// <param name="point">A point of <see cref="Space"/>.</param>
    /// <exception cref="ArgumentException">The point does not belong to the space.</exception>
    public void Configure(StrategyPipelineBuilder builder, SearchPoint point)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckPoint(point);
        _configure(builder, point);
    }

    /// <summary>Builds the pipeline of a point.</summary>
    /// <param name="point">A point of <see cref="Space"/>.</param>
    /// <param name="name">The pipeline's name; default <see cref="Name"/>.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentException">The point does not belong to the space.</exception>
    public StrategyPipeline Build(SearchPoint point, string? name = null)
    {
        var builder = new StrategyPipelineBuilder(name ?? Name, ChatClient, _defaults);
        Configure(builder, point);
        return builder.Build();
    }

    private void CheckPoint(SearchPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (Space.Problem(point) is { } problem)
        {
            throw new ArgumentException($"The point '{point}' does not belong to the search space of '{Name}': {problem}", nameof(point));
        }
    }
}
