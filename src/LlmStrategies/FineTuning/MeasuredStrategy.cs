namespace LlmStrategies.FineTuning;

/// <summary>
/// One strategy's measurements from an experiment: its per-item quality scores on the test items, the tokens of a
/// typical call and the prices of the model it calls.
/// </summary>
/// <param name="Name">The strategy's name (for example "rag-top5" or "ft-gpt-4o-mini").</param>
/// <param name="Scores">Per-item quality scores on the test items, in a fixed item order shared with the other strategy.</param>
/// <param name="TokensPerCall">The tokens of a typical call (usually the mean over the test items).</param>
/// <param name="Prices">The prices of the model the strategy calls (a fine-tuned model often costs more per token than its base).</param>
public sealed record MeasuredStrategy(string Name, IReadOnlyList<double> Scores, TokensPerCall TokensPerCall, TokenPrices Prices);
