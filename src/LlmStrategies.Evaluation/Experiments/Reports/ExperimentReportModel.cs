using System.Text.Json.Serialization;

namespace LlmStrategies.Experiments;

/// <summary>The test set a report is about.</summary>
public sealed class DatasetSummary
{
    /// <summary>Gets the test set's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the test set's content fingerprint.</summary>
    [JsonPropertyName("fingerprint")]
    public required string Fingerprint { get; init; }

    /// <summary>Gets the number of items scored.</summary>
    [JsonPropertyName("items")]
    public int Items { get; init; }

    /// <summary>Gets what was scored in words: "all N items of ...", or "n of N items, sampled by ..." for a sample.</summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }
}

/// <summary>The statistical settings a report was computed with.</summary>
public sealed class ReportSettings
{
    /// <summary>Gets the metric the recommendation is based on.</summary>
    [JsonPropertyName("primaryMetric")]
    public required string PrimaryMetric { get; init; }

    /// <summary>Gets the confidence level of the intervals.</summary>
    [JsonPropertyName("confidenceLevel")]
    public double ConfidenceLevel { get; init; }

    /// <summary>Gets the significance level of the tests.</summary>
    [JsonPropertyName("alpha")]
    public double Alpha { get; init; }

    /// <summary>Gets the number of bootstrap resamples and random permutations.</summary>
    [JsonPropertyName("resamples")]
    public int Resamples { get; init; }

    /// <summary>Gets the random seed of the bootstrap and the permutation tests.</summary>
    [JsonPropertyName("seed")]
    public int Seed { get; init; }

    /// <summary>Gets the metrics where lower is better (latency, cost...).</summary>
    [JsonPropertyName("lowerIsBetter")]
    public IReadOnlyList<string> LowerIsBetter { get; init; } = [];

    /// <summary>Gets why the primary metric was chosen (what it measures and why it decides).</summary>
    [JsonPropertyName("primaryMetricReason")]
    public string? PrimaryMetricReason { get; init; }

    /// <summary>
    /// Gets how intervals and paired tests treat items: "independent items", or "clusters by 'paragraph' (212 groups)"
    /// when items that share a group are resampled and sign-flipped together.
    /// </summary>
    [JsonPropertyName("resampling")]
    public string? Resampling { get; init; }

    /// <summary>Gets the multiple-comparison correction of the comparisons against the best strategy ("Holm").</summary>
    [JsonPropertyName("multipleComparisons")]
    public string? MultipleComparisons { get; init; }

    /// <summary>Gets the largest share of failed runs a strategy may have and still be compared and recommended.</summary>
    [JsonPropertyName("maxFailedShare")]
    public double MaxFailedShare { get; init; }
}

/// <summary>The mean of one metric for one strategy, with its bootstrap confidence interval.</summary>
public sealed class MetricSummary
{
    /// <summary>Gets the metric's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets a value indicating whether the metric is binary.</summary>
    [JsonPropertyName("binary")]
    public bool IsBinary { get; init; }

    /// <summary>Gets the mean over items (each item's repeats averaged first).</summary>
    [JsonPropertyName("mean")]
    public double Mean { get; init; }

    /// <summary>Gets the lower bound of the percentile bootstrap interval.</summary>
    [JsonPropertyName("lower")]
    public double Lower { get; init; }

    /// <summary>Gets the upper bound.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Gets the number of items with a value.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets the number of items the evaluator could not score (errors).</summary>
    [JsonPropertyName("missing")]
    public int Missing { get; init; }
}

/// <summary>Cost and tokens of one strategy.</summary>
public sealed class CostSummary
{
    /// <summary>Gets the total cost of the runs with a known price.</summary>
    [JsonPropertyName("total")]
    public decimal Total { get; init; }

    /// <summary>Gets the mean cost per run, or <see langword="null"/> when no run has a price.</summary>
    [JsonPropertyName("perRun")]
    public decimal? PerRun { get; init; }

    /// <summary>Gets the runs whose model has no price.</summary>
    [JsonPropertyName("unpricedRuns")]
    public int UnpricedRuns { get; init; }

    /// <summary>Gets the input tokens.</summary>
    [JsonPropertyName("inputTokens")]
    public long InputTokens { get; init; }

    /// <summary>Gets the cached input tokens.</summary>
    [JsonPropertyName("cachedInputTokens")]
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    [JsonPropertyName("outputTokens")]
    public long OutputTokens { get; init; }
}

/// <summary>Latency percentiles of one strategy, in milliseconds.</summary>
public sealed class LatencySummary
{
    /// <summary>Gets the median.</summary>
    [JsonPropertyName("p50")]
    public double P50 { get; init; }

    /// <summary>Gets the 95th percentile.</summary>
    [JsonPropertyName("p95")]
    public double P95 { get; init; }

    /// <summary>Gets the 99th percentile.</summary>
    [JsonPropertyName("p99")]
    public double P99 { get; init; }

    /// <summary>Gets the mean.</summary>
    [JsonPropertyName("mean")]
    public double Mean { get; init; }
}

/// <summary>Everything a report says about one strategy.</summary>
public sealed class StrategyReport
{
    /// <summary>Gets the strategy as recorded (name, fingerprint, model, configuration).</summary>
    [JsonPropertyName("strategy")]
    public required StrategyInfo Strategy { get; init; }

    /// <summary>Gets the number of runs (items × repeats).</summary>
    [JsonPropertyName("runs")]
    public int Runs { get; init; }

    /// <summary>Gets the runs served from the response cache.</summary>
    [JsonPropertyName("fromCache")]
    public int FromCache { get; init; }

    /// <summary>Gets the runs where the strategy threw.</summary>
    [JsonPropertyName("strategyErrors")]
    public int StrategyErrors { get; init; }

    /// <summary>Gets the metric values an evaluator (for example the LLM judge) could not produce.</summary>
    [JsonPropertyName("evaluationErrors")]
    public int EvaluationErrors { get; init; }

    /// <summary>Gets the metrics.</summary>
    [JsonPropertyName("metrics")]
    public IReadOnlyList<MetricSummary> Metrics { get; init; } = [];

    /// <summary>Gets the cost.</summary>
    [JsonPropertyName("cost")]
    public required CostSummary Cost { get; init; }

    /// <summary>Gets the latency percentiles.</summary>
    [JsonPropertyName("latencyMs")]
    public required LatencySummary Latency { get; init; }

    /// <summary>
    /// Gets why the strategy is incomplete (too many failed runs to be compared fairly: it is excluded from the best, the
    /// comparisons' family and the recommendation), or <see langword="null"/> when it is complete.
    /// </summary>
    [JsonPropertyName("incomplete")]
    public string? Incomplete { get; init; }
}

/// <summary>A paired comparison of one strategy against the best strategy on one metric.</summary>
public sealed class StrategyComparison
{
    /// <summary>Gets the metric.</summary>
    [JsonPropertyName("metric")]
    public required string Metric { get; init; }

    /// <summary>Gets the best strategy on the metric.</summary>
    [JsonPropertyName("best")]
    public required string Best { get; init; }

    /// <summary>Gets the strategy compared with it.</summary>
    [JsonPropertyName("other")]
    public required string Other { get; init; }

    /// <summary>Gets the number of items both have a value for.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets the mean paired difference best − other.</summary>
    [JsonPropertyName("difference")]
    public double Difference { get; init; }

    /// <summary>Gets the lower bound of the paired bootstrap interval of the difference.</summary>
    [JsonPropertyName("lower")]
    public double Lower { get; init; }

    /// <summary>Gets the upper bound.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Gets the test used (McNemar for binary metrics, the paired permutation test otherwise).</summary>
    [JsonPropertyName("test")]
    public required string Test { get; init; }

    /// <summary>Gets the raw two-sided p-value of this one comparison.</summary>
    [JsonPropertyName("pValue")]
    public double PValue { get; init; }

    /// <summary>Gets the p-value adjusted by Holm's method over every comparison against the best on this metric, or <see langword="null"/> in version 1 reports (which did not adjust).</summary>
    [JsonPropertyName("adjustedPValue")]
    public double? AdjustedPValue { get; init; }

    /// <summary>Gets Cohen's d for paired samples (d_z) of best − other, or <see langword="null"/> when it is undefined (see <see cref="EffectSizeNote"/>).</summary>
    [JsonPropertyName("effectSize")]
    public double? EffectSize { get; init; }

    /// <summary>Gets why the effect size is undefined, or <see langword="null"/>.</summary>
    [JsonPropertyName("effectSizeNote")]
    public string? EffectSizeNote { get; init; }

    /// <summary>Gets a value indicating whether the Holm-adjusted p-value is below the report's alpha.</summary>
    [JsonPropertyName("significant")]
    public bool Significant { get; init; }
}

/// <summary>The cheapest strategy whose quality is statistically indistinguishable from the best, and why.</summary>
public sealed class Recommendation
{
    /// <summary>Gets the recommended strategy.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>Gets the best strategy on the primary metric.</summary>
    [JsonPropertyName("best")]
    public required string Best { get; init; }

    /// <summary>Gets the strategies not significantly worse than the best (the candidates).</summary>
    [JsonPropertyName("candidates")]
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>Gets the reasoning, one step per line.</summary>
    [JsonPropertyName("reasoning")]
    public IReadOnlyList<string> Reasoning { get; init; } = [];

    /// <summary>Gets what "cheapest" was measured by: the run's cost, or (when no candidate has a known, non-zero cost) tokens or latency.</summary>
    [JsonPropertyName("costBasis")]
    public string? CostBasis { get; init; }
}

/// <summary>An error in a run: a strategy that threw or an evaluator (for example the judge) that could not score.</summary>
public sealed class RunError
{
    /// <summary>Gets the strategy.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>Gets the item.</summary>
    [JsonPropertyName("item")]
    public required string Item { get; init; }

    /// <summary>Gets the repeat.</summary>
    [JsonPropertyName("repeat")]
    public int Repeat { get; init; }

    /// <summary>Gets the metric, or <see langword="null"/> for a strategy error.</summary>
    [JsonPropertyName("metric")]
    public string? Metric { get; init; }

    /// <summary>Gets the message.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary>The per-item scores of one strategy (repeats averaged), kept so a later run can be compared item by item.</summary>
public sealed class ItemScores
{
    /// <summary>Gets the strategy.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>Gets the item.</summary>
    [JsonPropertyName("item")]
    public required string Item { get; init; }

    /// <summary>Gets the score per metric (<see langword="null"/> when it could not be scored).</summary>
    [JsonPropertyName("scores")]
    public IReadOnlyDictionary<string, double?> Scores { get; init; } = new Dictionary<string, double?>();
}

/// <summary>A decision made from a report (for example the fine-tuning go/no-go), shown at the top next to the recommendation.</summary>
public sealed class ReportDecision
{
    /// <summary>Gets what was decided, for example "Fine-tuning".</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>Gets the verdict, for example "no-go".</summary>
    [JsonPropertyName("verdict")]
    public required string Verdict { get; init; }

    /// <summary>Gets the reason in one sentence.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>Gets the evidence, one line each.</summary>
    [JsonPropertyName("details")]
    public IReadOnlyList<string> Details { get; init; } = [];
}
