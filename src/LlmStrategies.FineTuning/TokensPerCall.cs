using LlmStrategies.Experiments;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FineTuning;

/// <summary>
/// The tokens one call of a strategy uses, usually the mean over an experiment's test items (from
/// <c>UsageDetails</c>). A fine-tuned model typically needs a shorter prompt: no few-shot examples, less instruction.
/// </summary>
/// <param name="InputTokens">Prompt tokens per call, including cached ones.</param>
/// <param name="OutputTokens">Completion tokens per call.</param>
/// <param name="CachedInputTokens">How many of the prompt tokens were served from the provider's prompt cache. Default 0.</param>
public sealed record TokensPerCall(double InputTokens, double OutputTokens, double CachedInputTokens = 0)
{
    /// <summary>The mean tokens per call over an experiment's calls, from each call's <see cref="UsageDetails"/> (missing counts are 0).</summary>
    /// <param name="usages">One usage per call, for example <c>StrategyResult.Usage</c> of every test item.</param>
    /// <returns>The means.</returns>
    /// <exception cref="ArgumentException">There are no usages.</exception>
    public static TokensPerCall MeanOf(IEnumerable<UsageDetails> usages)
    {
        ArgumentNullException.ThrowIfNull(usages);
        var list = usages.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Token means need at least one call's usage.", nameof(usages));
        }

        return new TokensPerCall(
            list.Average(u => (double)(u?.InputTokenCount ?? 0)),
            list.Average(u => (double)(u?.OutputTokenCount ?? 0)),
            list.Average(u => (double)(u?.CachedInputTokenCount ?? 0)));
    }

    /// <summary>The cost of one such call at <paramref name="prices"/> (the same prices the experiment runner charges).</summary>
    /// <param name="prices">The model's prices per million tokens.</param>
    /// <returns>The cost: (input − cached) × input price + cached × cached price + output × output price.</returns>
    /// <exception cref="ArgumentException">A price or count is negative, or more tokens are cached than were input.</exception>
    public decimal CostAt(ModelPrice prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        if (prices.InputPerMillion < 0 || prices.CachedInputPerMillion < 0 || prices.OutputPerMillion < 0)
        {
            throw new ArgumentException($"Token prices must not be negative: {prices}.", nameof(prices));
        }

        Validate("this");
        return prices.PriceTokens((decimal)(InputTokens - CachedInputTokens), (decimal)CachedInputTokens, (decimal)OutputTokens);
    }

    internal void Validate(string parameterName)
    {
        if (!(InputTokens >= 0 && OutputTokens >= 0 && CachedInputTokens >= 0) || double.IsInfinity(InputTokens) || double.IsInfinity(OutputTokens))
        {
            throw new ArgumentException($"Token counts must be finite and not negative: {this}.", parameterName);
        }

        if (CachedInputTokens > InputTokens)
        {
            throw new ArgumentException($"CachedInputTokens ({CachedInputTokens}) cannot exceed InputTokens ({InputTokens}): cached tokens are part of the input.", parameterName);
        }
    }
}
