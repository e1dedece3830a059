namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Which items to export for review: a strategy's failures, a slice, a cluster, a finding, flips, or evaluator disagreements.</summary>
public sealed class ReviewSelection
{
    private readonly Func<RunOutcomes, DataWorkOptions, string, IEnumerable<int>> _select;

    private ReviewSelection(string strategy, string description, Func<RunOutcomes, DataWorkOptions, string, IEnumerable<int>> select)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(strategy);
        Strategy = strategy;
        Description = description;
        _select = select;
    }

    /// <summary>Gets the strategy whose answers the rows show.</summary>
    public string Strategy { get; }

    /// <summary>Gets the selection in words (written into every row).</summary>
    public string Description { get; }

    /// <summary>The items a strategy got wrong (score below <see cref="DataWorkOptions.SuccessThreshold"/> on the metric) or could not be scored on.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection Failures(string strategy) => new(strategy, $"failures of {strategy}", (o, options, metric) =>
        Enumerable.Range(0, o.ItemIds.Count).Where(i => o.Scores(strategy, metric)[i] is not { } s || !options.IsSuccess(s)));

    /// <summary>Given items (for example a slice's, a cluster's or a finding's).</summary>
    /// <param name="strategy">The strategy whose answers to show.</param>
    /// <param name="itemIds">The items.</param>
    /// <param name="description">Why they are exported.</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection Items(string strategy, IEnumerable<string> itemIds, string description)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        var ids = itemIds.ToArray();
        return new(strategy, description, (o, _, _) => ids.Select(id => o.IndexOf(id) is var i && i >= 0
            ? i
            : throw new ArgumentException($"Item '{id}' of the selection '{description}' is not a test item of experiment '{o.Name}'.", nameof(itemIds))));
    }

    /// <summary>A slice's items.</summary>
    /// <param name="strategy">The strategy whose answers to show.</param>
    /// <param name="slice">The slice, from <see cref="FailureAnalysis.Slices"/>.</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection Slice(string strategy, SliceResult slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return Items(strategy, slice.Items, $"slice {slice.Feature} = {slice.Value}");
    }

    /// <summary>A failure cluster's items.</summary>
    /// <param name="strategy">The strategy whose answers to show (the analysed one).</param>
    /// <param name="cluster">The cluster, from <see cref="ClusterAnalysis.Clusters"/>.</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection Cluster(string strategy, FailureCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return Items(strategy, cluster.Items, $"failure cluster {cluster.Id}");
    }

    /// <summary>The items a rung broke: right with <paramref name="first"/>, wrong with <paramref name="second"/> (answers of the second).</summary>
    /// <param name="first">The first rung.</param>
    /// <param name="second">The second rung.</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection Broken(string first, string second)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(first);
        return new(second, $"right with {first}, wrong with {second}", (o, options, metric) =>
        {
            var a = o.Scores(first, metric);
            var b = o.Scores(second, metric);
            return Enumerable.Range(0, o.ItemIds.Count).Where(i => a[i] is { } x && b[i] is { } y && options.IsSuccess(x) && !options.IsSuccess(y));
        });
    }

    /// <summary>
    /// The items where two evaluators disagree on one strategy's answer (one metric says correct, the other wrong, each by
    /// the success threshold): for example an LLM judge against the reference-based score.
    /// </summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="firstMetric">One metric (for example the judge's).</param>
    /// <param name="secondMetric">The other (for example "Contains Answer").</param>
    /// <returns>The selection.</returns>
    public static ReviewSelection EvaluatorDisagreements(string strategy, string firstMetric, string secondMetric)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(firstMetric);
        ArgumentException.ThrowIfNullOrWhiteSpace(secondMetric);
        return new(strategy, $"{firstMetric} and {secondMetric} disagree on {strategy}", (o, options, _) =>
        {
            foreach (var metric in new[] { firstMetric, secondMetric })
            {
                if (!o.Metrics.Contains(metric, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"Metric '{metric}' is not in experiment '{o.Name}' (it has: {string.Join(", ", o.Metrics)}).", nameof(firstMetric));
                }
            }

            var a = o.Scores(strategy, firstMetric);
            var b = o.Scores(strategy, secondMetric);
            return Enumerable.Range(0, o.ItemIds.Count).Where(i => a[i] is { } x && b[i] is { } y && options.IsSuccess(x) != options.IsSuccess(y));
        });
    }

    internal IEnumerable<int> Select(RunOutcomes outcomes, DataWorkOptions options, string metric)
    {
        if (!outcomes.Strategies.Contains(Strategy, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Strategy '{Strategy}' is not in experiment '{outcomes.Name}' (it has: {string.Join(", ", outcomes.Strategies)}).", nameof(outcomes));
        }

        return _select(outcomes, options, metric).Distinct().Order();
    }
}
