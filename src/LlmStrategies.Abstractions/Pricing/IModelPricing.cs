namespace LlmStrategies;

/// <summary>
/// Prices model calls from their token usage. Implemented by <c>LlmStrategies.Experiments.PriceTable</c> (package
/// LlmStrategies.Evaluation); the pipeline's telemetry uses it for its cost metric without depending on that package.
/// </summary>
public interface IModelPricing
{
    /// <summary>Gets the currency of every cost, for example "USD".</summary>
    string Currency { get; }

    /// <summary>The cost of a call, or <see langword="null"/> when the model has no price.</summary>
    /// <param name="modelId">The model id as the provider reports it.</param>
    /// <param name="inputTokens">All input tokens, cached ones included.</param>
    /// <param name="cachedInputTokens">The input tokens served from the provider's prompt cache (a part of <paramref name="inputTokens"/>).</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The cost, or <see langword="null"/> when <paramref name="modelId"/> has no price.</returns>
    decimal? Cost(string? modelId, long inputTokens, long cachedInputTokens, long outputTokens);
}
