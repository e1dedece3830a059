using LlmStrategies.Experiments;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The per-item evidence of a finished experiment, from its records (answers, retrieved source ids and every metric) or
/// from its report (per-item scores only). Scores are the mean over repeats, as the report computes them; answers and
/// sources are those of the first repeat.
/// </summary>
internal sealed class RunOutcomes
{
    private readonly Dictionary<(string Strategy, string Metric), double?[]> _scores = [];
    private readonly Dictionary<string, int> _itemIndex;

    private RunOutcomes(string name, DatasetSummary testSet, IReadOnlyList<string> strategies, IReadOnlyList<string> itemIds, IReadOnlyList<string> metrics, Dictionary<string, bool> binary, int repeats)
    {
        Name = name;
        TestSet = testSet;
        Strategies = strategies;
        ItemIds = itemIds;
        Metrics = metrics;
        Binary = binary;
        Repeats = repeats;
        _itemIndex = itemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
    }

    public string Name { get; }

    public DatasetSummary TestSet { get; }

    public IReadOnlyList<string> Strategies { get; }

    public IReadOnlyList<string> ItemIds { get; }

    public IReadOnlyList<string> Metrics { get; }

    public Dictionary<string, bool> Binary { get; }

    public int Repeats { get; }

    /// <summary>Gets a value indicating whether answers and sources were recorded (a run, not a report).</summary>
    public bool HasResponses => Answers is not null;

    /// <summary>Gets per strategy the first repeat's answer per item (null when the strategy failed or the input was rejected), or <see langword="null"/> for a report.</summary>
    public Dictionary<string, string?[]>? Answers { get; private set; }

    /// <summary>Gets per strategy the first repeat's retrieved source ids per item (null when the strategy failed), or <see langword="null"/> for a report.</summary>
    public Dictionary<string, IReadOnlyList<string>?[]>? Sources { get; private set; }

    /// <summary>Gets the metadata field whose groups the experiment treats as not independent (its report resamples whole groups), or <see langword="null"/>.</summary>
    public string? ClusterField { get; private set; }

    /// <summary>Gets the primary metric the report was made with, or <see langword="null"/> for a run.</summary>
    public string? ReportPrimaryMetric { get; private set; }

    /// <summary>Gets the metrics the report treats as lower-is-better, or <see langword="null"/> for a run.</summary>
    public IReadOnlyList<string>? ReportLowerIsBetter { get; private set; }

    public int IndexOf(string itemId) => _itemIndex.TryGetValue(itemId, out var i) ? i : -1;

    /// <summary>The per-item scores (mean over repeats), in <see cref="ItemIds"/> order; all null when the metric is unknown.</summary>
    public double?[] Scores(string strategy, string metric) =>
        _scores.TryGetValue((strategy, metric), out var scores) ? scores : new double?[ItemIds.Count];

    public static RunOutcomes From(ExperimentRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var binary = run.Records.SelectMany(r => r.Metrics).GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(m => m.IsBinary), StringComparer.Ordinal);
        var outcomes = new RunOutcomes(
            run.Name,
            new DatasetSummary { Name = run.DatasetName, Fingerprint = run.DatasetFingerprint, Items = run.ItemIds.Count },
            run.Strategies.Select(s => s.Name).ToArray(),
            run.ItemIds,
            run.MetricNames,
            binary,
            run.Repeats)
        {
            ClusterField = run.ClusterField,
        };
        foreach (var strategy in outcomes.Strategies)
        {
            foreach (var metric in outcomes.Metrics)
            {
                outcomes._scores[(strategy, metric)] = [.. run.ItemScores(strategy, metric)];
            }
        }

        outcomes.Answers = outcomes.Strategies.ToDictionary(s => s, _ => new string?[run.ItemIds.Count], StringComparer.Ordinal);
        outcomes.Sources = outcomes.Strategies.ToDictionary(s => s, _ => new IReadOnlyList<string>?[run.ItemIds.Count], StringComparer.Ordinal);
        foreach (var record in run.Records.Where(r => r.Repeat == 0))
        {
            var i = outcomes.IndexOf(record.ItemId);
            if (i < 0 || !outcomes.Answers.TryGetValue(record.StrategyName, out var answers))
            {
                continue;
            }

            answers[i] = record.Response?.Answer;
            outcomes.Sources[record.StrategyName][i] = record.Response?.SourceIds;
        }

        return outcomes;
    }

    public static RunOutcomes From(ExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var itemIds = report.Items.Select(i => i.Item).Distinct(StringComparer.Ordinal).ToArray();
        var metrics = report.Strategies.SelectMany(s => s.Metrics).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToArray();
        var binary = report.Strategies.SelectMany(s => s.Metrics).GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(m => m.IsBinary), StringComparer.Ordinal);
        var outcomes = new RunOutcomes(report.Name, report.Dataset, report.Strategies.Select(s => s.Strategy.Name).ToArray(), itemIds, metrics, binary, report.Repeats)
        {
            ReportPrimaryMetric = report.Settings.PrimaryMetric,
            ReportLowerIsBetter = report.Settings.LowerIsBetter,
            ClusterField = ClusterFieldOf(report.Settings.Resampling),
        };
        foreach (var scores in report.Items)
        {
            var i = outcomes.IndexOf(scores.Item);
            foreach (var (metric, value) in scores.Scores)
            {
                if (!outcomes._scores.TryGetValue((scores.Strategy, metric), out var values))
                {
                    outcomes._scores[(scores.Strategy, metric)] = values = new double?[itemIds.Length];
                }

                values[i] = value;
            }
        }

        return outcomes;
    }

    /// <summary>The field of a report's "clusters by 'field' (...)" resampling description, or <see langword="null"/> for independent items.</summary>
    private static string? ClusterFieldOf(string? resampling)
    {
        const string Prefix = "clusters by '";
        if (resampling is null || !resampling.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = resampling.IndexOf('\'', Prefix.Length);
        return end > Prefix.Length ? resampling[Prefix.Length..end] : null;
    }
}
