namespace LlmStrategies.Experiments;

/// <summary>
/// Everything an experiment produced: the strategies with their recorded configuration, the items, one
/// <see cref="RunRecord"/> per (strategy, item, repeat), the prices used and the pre-flight estimate.
/// </summary>
public sealed class ExperimentRun
{
    /// <summary>Gets the experiment's name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Gets the run's identity: a hash of its name, start and end times, test set, strategies and records, so that a
    /// regression gate can refuse to compare a run with itself. Empty for runs made before it was recorded.
    /// </summary>
    public string RunId { get; init; } = string.Empty;

    /// <summary>Gets what was scored: "all N test items", or how a sample was drawn ("n of N items, sampled by ...").</summary>
    public string Scope { get; init; } = string.Empty;

    /// <summary>Gets the metadata field whose value groups items that are not independent (for example "paragraph"), or <see langword="null"/> when items are treated as independent.</summary>
    public string? ClusterField { get; init; }

    /// <summary>Gets each item's group (in the order of <see cref="ItemIds"/>) when <see cref="ClusterField"/> is set; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ItemClusters { get; init; }

    /// <summary>Gets the test set's name.</summary>
    public required string DatasetName { get; init; }

    /// <summary>Gets the test set's content fingerprint.</summary>
    public required string DatasetFingerprint { get; init; }

    /// <summary>Gets the strategies, in the order they were entered.</summary>
    public required IReadOnlyList<StrategyInfo> Strategies { get; init; }

    /// <summary>Gets the test item ids, in dataset order.</summary>
    public required IReadOnlyList<string> ItemIds { get; init; }

    /// <summary>Gets how many times each item ran per strategy.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>Gets the records, ordered by strategy, item and repeat.</summary>
    public required IReadOnlyList<RunRecord> Records { get; init; }

    /// <summary>Gets the prices the costs were computed with.</summary>
    public required PriceTable Prices { get; init; }

    /// <summary>Gets when the run started (the first process's start for a resumed run is not kept; this is this process's).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets the pre-flight estimate, or <see langword="null"/> when the run was not estimated (for example loaded from a report).</summary>
    public CostEstimate? Estimate { get; init; }

    /// <summary>Gets notes about the run (a torn checkpoint line that was discarded, resumed records...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets every metric name that appears in the records, in first-seen order.</summary>
    public IReadOnlyList<string> MetricNames => Records.SelectMany(r => r.Metrics).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Re-prices the recorded token counts with another price table, without calling any model (prices change; the
    /// tokens a run used do not).
    /// </summary>
    /// <param name="prices">The new prices.</param>
    /// <returns>A copy of this run with every cost recomputed.</returns>
    public ExperimentRun Recost(PriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var models = Strategies.ToDictionary(s => s.Name, s => s.Model, StringComparer.Ordinal);
        return new ExperimentRun
        {
            Name = Name,
            RunId = RunId,
            Scope = Scope,
            ClusterField = ClusterField,
            ItemClusters = ItemClusters,
            DatasetName = DatasetName,
            DatasetFingerprint = DatasetFingerprint,
            Strategies = Strategies,
            ItemIds = ItemIds,
            Repeats = Repeats,
            Prices = prices,
            StartedAt = StartedAt,
            CompletedAt = CompletedAt,
            Estimate = null,
            Notes = Notes,
            Records = Records.Select(r => new RunRecord
            {
                StrategyName = r.StrategyName,
                Fingerprint = r.Fingerprint,
                ItemId = r.ItemId,
                Repeat = r.Repeat,
                Response = r.Response,
                Error = r.Error,
                FromCache = r.FromCache,
                Cost = r.Response is null ? r.Cost : CostOf(prices, models.GetValueOrDefault(r.StrategyName), r.Response),
                Metrics = r.Metrics,
            }).ToArray(),
        };
    }

    /// <summary>
    /// The per-item score of a strategy on a metric, in <see cref="ItemIds"/> order: the mean over repeats, or
    /// <see langword="null"/> for an item with no value (the evaluator could not score it).
    /// </summary>
    /// <param name="strategyName">The strategy.</param>
    /// <param name="metricName">The metric.</param>
    /// <returns>One score per item.</returns>
    public IReadOnlyList<double?> ItemScores(string strategyName, string metricName)
    {
        ArgumentNullException.ThrowIfNull(strategyName);
        ArgumentNullException.ThrowIfNull(metricName);
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (var record in Records)
        {
            if (record.StrategyName != strategyName)
            {
                continue;
            }

            foreach (var metric in record.Metrics)
            {
                if (metric.Name == metricName && metric.Value is { } value)
                {
                    var (sum, count) = sums.GetValueOrDefault(record.ItemId);
                    sums[record.ItemId] = (sum + value, count + 1);
                }
            }
        }

        return ItemIds.Select(id => sums.TryGetValue(id, out var s) ? s.Sum / s.Count : (double?)null).ToArray();
    }

    /// <summary>The cost of a response: the declared model's price, else the reported model's, else unknown.</summary>
    internal static decimal? CostOf(PriceTable prices, string? declaredModel, RecordedResponse response) =>
        prices.Cost(declaredModel, response.InputTokens, response.CachedInputTokens, response.OutputTokens)
        ?? prices.Cost(response.ModelId, response.InputTokens, response.CachedInputTokens, response.OutputTokens);
}
