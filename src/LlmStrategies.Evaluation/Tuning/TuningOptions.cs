using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tuning;

/// <summary>How <see cref="StrategyTuner"/> searches, what it optimises, and what it may spend.</summary>
public sealed class TuningOptions
{
    /// <summary>Gets or sets the tuning's name (reports, experiment names). Default "tuning".</summary>
    public string Name { get; set; } = "tuning";

    /// <summary>Gets or sets the metric to maximise (higher is better), as an evaluator names it, for example <c>SquadEvaluator.F1MetricName</c>. Required.</summary>
    public string Metric { get; set; } = string.Empty;

    /// <summary>Gets the evaluators that compute <see cref="Metric"/> (and any other metric to record). Required: at least one.</summary>
    public IList<IEvaluator> Evaluators { get; } = [];

    /// <summary>Gets or sets the search method. Default <see cref="SearchMethod.Grid"/>.</summary>
    public SearchMethod Method { get; set; } = SearchMethod.Grid;

    /// <summary>
    /// Gets or sets how many grid points to draw: required for <see cref="SearchMethod.Random"/>; for
    /// <see cref="SearchMethod.SuccessiveHalving"/> <see langword="null"/> (the default) starts from the whole grid.
    /// Ignored when candidates are given explicitly.
    /// </summary>
    public int? SampleSize { get; set; }

    /// <summary>Gets or sets the dev items of the first successive-halving round. Default 30.</summary>
    public int HalvingInitialItems { get; set; } = 30;

    /// <summary>Gets or sets the successive-halving factor η: keep the best 1/η, grow the sample η times. Default 3.</summary>
    public int HalvingFactor { get; set; } = 3;

    /// <summary>Gets or sets the seed of the random search, of the dev sample order of successive halving, of demonstration sets and of the statistics. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// Gets or sets the budget for everything this tuner runs (bootstrapping, search, hold-out evaluation) in the price
    /// table's currency, or <see langword="null"/> for none. A search whose pre-flight estimate exceeds what is left is
    /// refused before any call; each round runs with what is left as its budget, so the tuner stops when it is spent.
    /// </summary>
    public decimal? Budget { get; set; }

    /// <summary>Gets or sets the calls in flight at once. Default 4.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 4;

    /// <summary>Gets or sets the calls started per second, or <see langword="null"/> for no limit. Default <see langword="null"/>.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>Gets or sets how many times each item runs per configuration (nondeterministic models; scores are averaged per item). Default 1.</summary>
    public int Repeats { get; set; } = 1;

    /// <summary>Gets or sets the estimated prompt tokens per call beyond the question, for the pre-flight estimate. Default 500.</summary>
    public int EstimatedPromptOverheadTokens { get; set; } = 500;

    /// <summary>Gets or sets the estimated output tokens per call, for the pre-flight estimate. Default 100.</summary>
    public int EstimatedOutputTokens { get; set; } = 100;

    /// <summary>Gets or sets the chat configuration handed to evaluators (an LLM judge), or <see langword="null"/>.</summary>
    public ChatConfiguration? Judge { get; set; }

    /// <summary>Gets or sets the confidence level of the intervals in the report. Default 0.95.</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the significance level of the paired tests. Default 0.05.</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the bootstrap resamples and random permutations of the statistics. Default 10,000.</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>Checks the options, naming the first wrong setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Metric))
        {
            throw new ArgumentException("TuningOptions.Metric is required: the metric to maximise, as an evaluator names it (for example SquadEvaluator.F1MetricName).");
        }

        if (Evaluators.Count == 0 || Evaluators.Any(e => e is null))
        {
            throw new ArgumentException("TuningOptions.Evaluators needs at least one evaluator (and no null entries): the one that computes the metric.");
        }

        if (!Evaluators.SelectMany(e => e.EvaluationMetricNames).Contains(Metric, StringComparer.Ordinal))
        {
            throw new ArgumentException($"No evaluator computes the metric '{Metric}' (they compute: {string.Join(", ", Evaluators.SelectMany(e => e.EvaluationMetricNames))}).");
        }

        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentException($"TuningOptions.Method {Method} is not a search method.");
        }

        if (Method == SearchMethod.Random && SampleSize is null)
        {
            throw new ArgumentException("TuningOptions.SampleSize is required for a random search: how many grid points to draw.");
        }

        if (SampleSize is <= 0)
        {
            throw new ArgumentException($"TuningOptions.SampleSize must be positive; it is {SampleSize}.");
        }

        if (HalvingInitialItems <= 0 || HalvingFactor < 2)
        {
            throw new ArgumentException($"TuningOptions.HalvingInitialItems must be positive and HalvingFactor at least 2; they are {HalvingInitialItems} and {HalvingFactor}.");
        }

        if (Budget is < 0 || MaxDegreeOfParallelism <= 0 || Repeats <= 0 || Resamples <= 0 || EstimatedOutputTokens < 0 || EstimatedPromptOverheadTokens < 0)
        {
            throw new ArgumentException("TuningOptions: Budget must not be negative; MaxDegreeOfParallelism, Repeats and Resamples must be positive; the token estimates must not be negative.");
        }

        if (RequestsPerSecond is { } rps && !(rps > 0))
        {
            throw new ArgumentException($"TuningOptions.RequestsPerSecond must be positive, or null for no limit; it is {rps}.");
        }

        if (!(ConfidenceLevel is > 0 and < 1) || !(Alpha is > 0 and < 1))
        {
            throw new ArgumentException($"TuningOptions.ConfidenceLevel and Alpha must be in (0, 1); they are {ConfidenceLevel} and {Alpha}.");
        }
    }
}
