namespace LlmStrategies.FineTuning;

/// <summary>
/// A model's token prices per million tokens, in any one currency (use the same currency everywhere). Cached input
/// tokens are the part of the input the provider served from its prompt cache; they are a subset of the input tokens.
/// </summary>
/// <param name="InputPerMillion">The price of one million uncached input tokens.</param>
/// <param name="CachedInputPerMillion">The price of one million cached input tokens (often a fraction of the input price).</param>
/// <param name="OutputPerMillion">The price of one million output tokens.</param>
public sealed record TokenPrices(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The cost of one call with the given token counts.</summary>
    /// <param name="tokens">The call's tokens; cached input tokens are part of the input tokens.</param>
    /// <returns>The cost: (input − cached) × input price + cached × cached price + output × output price.</returns>
    /// <exception cref="ArgumentException">A price or count is negative, or more tokens are cached than were input.</exception>
    public decimal CostOf(TokensPerCall tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (InputPerMillion < 0 || CachedInputPerMillion < 0 || OutputPerMillion < 0)
        {
            throw new ArgumentException($"Token prices must not be negative: {this}.");
        }

        tokens.Validate(nameof(tokens));
        var uncached = (decimal)(tokens.InputTokens - tokens.CachedInputTokens);
        return ((uncached * InputPerMillion) + ((decimal)tokens.CachedInputTokens * CachedInputPerMillion) + ((decimal)tokens.OutputTokens * OutputPerMillion)) / 1_000_000m;
    }
}
