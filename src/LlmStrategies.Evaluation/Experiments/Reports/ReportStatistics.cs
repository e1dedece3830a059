using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Experiments;

/// <summary>
/// The numbers of a report: each strategy's metric means with intervals, cost and latency; each strategy compared with
/// the best (paired bootstrap interval, McNemar or permutation test, Holm-adjusted over the family, d_z). Items that
/// share a cluster are resampled and sign-flipped together.
/// </summary>
internal sealed class ReportStatistics(ExperimentRun run, ReportOptions options)
{
    private readonly IReadOnlyList<string>? _clusters = options.ClusterResampling ? run.ItemClusters : null;

    /// <summary>How items are treated, in words.</summary>
    public string Resampling => _clusters is null
        ? "independent items (percentile bootstrap over items; McNemar or paired sign-flip permutation tests)"
        : string.Create(CultureInfo.InvariantCulture, $"clusters by '{run.ClusterField}' ({_clusters.Distinct(StringComparer.Ordinal).Count()} groups): cluster bootstrap over groups and sign-flip permutation tests by group, because items of one group are not independent");

    public StrategyReport Summarise(StrategyInfo strategy, IReadOnlyList<string> metricNames, Dictionary<string, bool> binary)
    {
        var records = run.Records.Where(r => r.StrategyName == strategy.Name).ToArray();
        var metrics = new List<MetricSummary>();
        foreach (var metric in metricNames)
        {
            var scores = run.ItemScores(strategy.Name, metric);
            var (values, groups) = Present(scores);
            if (values.Count == 0)
            {
                metrics.Add(new MetricSummary { Name = metric, IsBinary = binary[metric], Mean = double.NaN, Lower = double.NaN, Upper = double.NaN, Count = 0, Missing = scores.Count });
                continue;
            }

            var interval = groups is null
                ? Bootstrap.Mean(values, options.Seed, options.Resamples, options.ConfidenceLevel)
                : Bootstrap.Mean(values, groups, options.Seed, options.Resamples, options.ConfidenceLevel);
            metrics.Add(new MetricSummary { Name = metric, IsBinary = binary[metric], Mean = interval.Estimate, Lower = interval.Lower, Upper = interval.Upper, Count = values.Count, Missing = scores.Count - values.Count });
        }

        var failed = records.Count(r => r.Error is not null);
        return new StrategyReport
        {
            Strategy = strategy,
            Runs = records.Length,
            FromCache = records.Count(r => r.FromCache),
            StrategyErrors = failed,
            EvaluationErrors = records.Sum(r => r.Metrics.Count(m => m.Error is not null)),
            Metrics = metrics,
            Cost = Cost(records),
            Latency = Latency(records),
            Incomplete = records.Length > 0 && (double)failed / records.Length > options.MaxFailedShare
                ? string.Create(CultureInfo.InvariantCulture, $"{failed} of {records.Length} runs failed ({(double)failed / records.Length:P0}, more than the {options.MaxFailedShare:P0} allowed): its scores cover a different set of items, so it is excluded from the comparison and the recommendation")
                : null,
        };
    }

    /// <summary>Every complete strategy compared with the best complete one on <paramref name="metric"/>, Holm-adjusted.</summary>
    public List<StrategyComparison> Compare(string metric, bool binary, IReadOnlySet<string> complete)
    {
        var lowerBetter = options.LowerIsBetter.Contains(metric);
        var scores = run.Strategies.Where(s => complete.Contains(s.Name)).ToDictionary(s => s.Name, s => run.ItemScores(s.Name, metric), StringComparer.Ordinal);
        var means = scores
            .Select(p => (Name: p.Key, Values: p.Value.Where(v => v is not null).Select(v => v!.Value).ToArray()))
            .Where(p => p.Values.Length > 0)
            .Select(p => (p.Name, Mean: p.Values.Average()))
            .ToArray();
        if (means.Length < 2)
        {
            return [];
        }

        // Ties go to the strategy entered first.
        var best = lowerBetter ? means.MinBy(m => m.Mean).Name : means.MaxBy(m => m.Mean).Name;
        var raw = means.Where(m => m.Name != best).Select(m => CompareTo(metric, binary, best, m.Name, scores)).OfType<StrategyComparison>().ToList();
        var adjusted = PairedTests.Holm(raw.Select(c => c.PValue).ToArray());
        return raw.Select((c, i) => new StrategyComparison
        {
            Metric = c.Metric,
            Best = c.Best,
            Other = c.Other,
            Count = c.Count,
            Difference = c.Difference,
            Lower = c.Lower,
            Upper = c.Upper,
            Test = c.Test,
            PValue = c.PValue,
            AdjustedPValue = adjusted[i],
            EffectSize = c.EffectSize,
            EffectSizeNote = c.EffectSizeNote,
            Significant = adjusted[i] < options.Alpha,
        }).ToList();
    }

    private StrategyComparison? CompareTo(string metric, bool binary, string best, string other, Dictionary<string, IReadOnlyList<double?>> scores)
    {
        var a = new List<double>();
        var b = new List<double>();
        var groups = _clusters is null ? null : new List<string>();
        for (var i = 0; i < run.ItemIds.Count; i++)
        {
            if (scores[best][i] is { } x && scores[other][i] is { } y)
            {
                a.Add(x);
                b.Add(y);
                groups?.Add(_clusters![i]);
            }
        }

        if (a.Count == 0)
        {
            return null;
        }

        var test = groups is not null
            ? PairedTests.ClusterPermutation(a, b, groups, options.Seed, options.Resamples)
            : binary && run.Repeats == 1
                ? PairedTests.McNemar(a.Select(v => v >= 0.5).ToArray(), b.Select(v => v >= 0.5).ToArray())
                : PairedTests.Permutation(a, b, options.Seed, options.Resamples);
        var interval = groups is null
            ? Bootstrap.PairedDifference(a, b, options.Seed, options.Resamples, options.ConfidenceLevel)
            : Bootstrap.PairedDifference(a, b, groups, options.Seed, options.Resamples, options.ConfidenceLevel);
        var effect = PairedTests.CohensDz(a, b, out var undefined);
        return new StrategyComparison
        {
            Metric = metric,
            Best = best,
            Other = other,
            Count = a.Count,
            Difference = interval.Estimate,
            Lower = interval.Lower,
            Upper = interval.Upper,
            Test = test.Method,
            PValue = test.PValue,
            EffectSize = effect,
            EffectSizeNote = undefined,
        };
    }

    /// <summary>The items that have a score, with their groups when clusters are used.</summary>
    private (List<double> Values, List<string>? Groups) Present(IReadOnlyList<double?> scores)
    {
        var values = new List<double>(scores.Count);
        var groups = _clusters is null ? null : new List<string>(scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i] is { } value)
            {
                values.Add(value);
                groups?.Add(_clusters![i]);
            }
        }

        return (values, groups);
    }

    private static CostSummary Cost(RunRecord[] records)
    {
        var responses = records.Where(r => r.Response is not null).Select(r => r.Response!).ToArray();
        var priced = records.Where(r => r.Response is not null && r.Cost is not null).ToArray();
        return new CostSummary
        {
            Total = priced.Sum(r => r.Cost!.Value),
            PerRun = priced.Length == 0 ? null : priced.Sum(r => r.Cost!.Value) / priced.Length,
            UnpricedRuns = responses.Length - priced.Length,
            InputTokens = responses.Sum(r => r.InputTokens),
            CachedInputTokens = responses.Sum(r => r.CachedInputTokens),
            OutputTokens = responses.Sum(r => r.OutputTokens),
        };
    }

    private static LatencySummary Latency(RunRecord[] records)
    {
        var latencies = records.Where(r => r.Response is not null).Select(r => r.Response!.LatencyMs).ToArray();
        return latencies.Length == 0
            ? new LatencySummary { P50 = double.NaN, P95 = double.NaN, P99 = double.NaN, Mean = double.NaN }
            : new LatencySummary { P50 = Quantiles.Of(latencies, 0.50), P95 = Quantiles.Of(latencies, 0.95), P99 = Quantiles.Of(latencies, 0.99), Mean = latencies.Average() };
    }
}
