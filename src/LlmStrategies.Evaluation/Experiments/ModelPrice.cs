namespace LlmStrategies.Experiments;

/// <summary>A model's prices per one million tokens.</summary>
/// <param name="InputPerMillion">The price of one million input (prompt) tokens.</param>
/// <param name="CachedInputPerMillion">The price of one million input tokens served from the provider's prompt cache.</param>
/// <param name="OutputPerMillion">The price of one million output (completion) tokens.</param>
public sealed record ModelPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The cost of one call's tokens; cached input tokens are part of the input tokens and are charged at the cached price.</summary>
    /// <param name="inputTokens">All input tokens, cached ones included.</param>
    /// <param name="cachedInputTokens">The input tokens served from the prompt cache.</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The cost.</returns>
    public decimal Cost(long inputTokens, long cachedInputTokens, long outputTokens)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, Math.Max(0, inputTokens));
        return PriceTokens(inputTokens - cached, cached, outputTokens);
    }

    /// <summary>
    /// The one pricing formula: uncached input, cached input and output tokens, each at its price per million. Token
    /// counts are decimals so that averages (tokens per call) can be priced without rounding.
    /// </summary>
    /// <param name="uncachedInputTokens">Input tokens charged at <see cref="InputPerMillion"/>.</param>
    /// <param name="cachedInputTokens">Input tokens charged at <see cref="CachedInputPerMillion"/>.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <returns>The cost.</returns>
    public decimal PriceTokens(decimal uncachedInputTokens, decimal cachedInputTokens, decimal outputTokens) =>
        ((uncachedInputTokens * InputPerMillion) + (cachedInputTokens * CachedInputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m;
}
