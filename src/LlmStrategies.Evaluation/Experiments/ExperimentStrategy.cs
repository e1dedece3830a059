using LlmStrategies.Pipeline;

namespace LlmStrategies.Experiments;

/// <summary>A strategy entered into an experiment, with what the runner needs to price it and record it.</summary>
public sealed class ExperimentStrategy
{
    /// <summary>Creates an entry.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="model">The model it calls, as in the price table (used for the pre-flight estimate and the cache key); <see langword="null"/> when unknown.</param>
    public ExperimentStrategy(IStrategy strategy, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        Strategy = strategy;
        Model = model;
        Configuration = (strategy as StrategyPipeline)?.FingerprintText;
    }

    /// <summary>Gets the strategy.</summary>
    public IStrategy Strategy { get; }

    /// <summary>Gets the declared model, or <see langword="null"/>.</summary>
    public string? Model { get; }

    /// <summary>Gets or sets the canonical configuration text recorded with the results (default: a pipeline's FingerprintText).</summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the estimated prompt tokens per call beyond the question (instructions, examples, retrieved context)
    /// for the pre-flight cost estimate, or <see langword="null"/> for <see cref="ExperimentOptions.EstimatedPromptOverheadTokens"/>.
    /// </summary>
    public int? EstimatedPromptOverheadTokens { get; set; }

    /// <summary>Implicitly enters a strategy with no declared model.</summary>
    /// <param name="strategy">The strategy.</param>
    public static implicit operator ExperimentStrategy(StrategyPipeline strategy) => new(strategy);

    /// <summary>Enters a pipeline with no declared model.</summary>
    /// <param name="strategy">The pipeline.</param>
    /// <returns>The entry.</returns>
    public static ExperimentStrategy FromStrategyPipeline(StrategyPipeline strategy) => new(strategy);

    internal StrategyInfo Info => new() { Name = Strategy.Name, Fingerprint = Strategy.Fingerprint.Value, Model = Model, Configuration = Configuration };
}
