using System.Globalization;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Experiments;

/// <summary>
/// The recommendation: among the complete strategies, the best on the primary metric and every strategy not
/// significantly worse than it (Holm-adjusted), the cheapest by what the run measured. No recommendation when no
/// strategy has a basis for one (all incomplete, or every score indistinguishable from zero).
/// </summary>
internal static class Recommender
{
    public static (Recommendation? Recommendation, string? NoBasis) Recommend(IReadOnlyList<StrategyReport> strategies, IReadOnlyList<StrategyComparison> comparisons, string primary, double alpha, bool lowerBetter)
    {
        var scored = strategies.Where(s => s.Incomplete is null && s.Metrics.Any(m => m.Name == primary && m.Count > 0)).ToArray();
        if (scored.Length == 0)
        {
            return (null, strategies.Any(s => s.Incomplete is not null)
                ? $"No recommendation: no complete strategy has a value on {primary} (strategies with too many failed runs are excluded)."
                : $"No recommendation: no strategy has a value on {primary}.");
        }

        MetricSummary Primary(StrategyReport s) => s.Metrics.First(m => m.Name == primary);
        if (!lowerBetter && scored.All(s => Primary(s).Lower <= 0))
        {
            return (null, $"No recommendation: every strategy's {primary} is 0 or within noise of 0 (each confidence interval reaches 0), so the run gives no basis to prefer one. Check the metric fits the answers (for example an extractive baseline without retrieval answers nothing) or use a stronger model.");
        }

        var byPrimary = comparisons.Where(c => c.Metric == primary).ToArray();
        var best = byPrimary.FirstOrDefault()?.Best ?? scored[0].Strategy.Name;
        var bestReport = scored.First(s => s.Strategy.Name == best);
        var reasoning = new List<string> { $"Best on {primary}: {best} ({Number(Primary(bestReport).Mean)}, {(lowerBetter ? "lower" : "higher")} is better)." };
        foreach (var excluded in strategies.Where(s => s.Incomplete is not null))
        {
            reasoning.Add($"{excluded.Strategy.Name} is incomplete: {excluded.Incomplete}.");
        }

        var candidates = new List<StrategyReport> { bestReport };
        var a = alpha.ToString(CultureInfo.InvariantCulture);
        foreach (var c in byPrimary)
        {
            var other = scored.First(s => s.Strategy.Name == c.Other);
            var p = $"{c.Test}, {PIs("p", c.PValue)}, {PIs("Holm-adjusted p", c.AdjustedPValue)}";
            if (c.Significant)
            {
                reasoning.Add($"{c.Other} ({Number(Primary(other).Mean)}) is significantly {(lowerBetter ? "higher" : "lower")} than {best}: {p} < {a}; excluded.");
            }
            else
            {
                candidates.Add(other);
                reasoning.Add($"{c.Other} ({Number(Primary(other).Mean)}) is not significantly different from {best}: {p} ≥ {a}; a candidate.");
            }
        }

        var (chosen, basis) = Cheapest(candidates);
        if (candidates.Count == 1)
        {
            reasoning.Add($"Only {best} remains, so it is recommended.");
        }
        else
        {
            reasoning.Add($"Among the candidates ({string.Join("; ", candidates.Select(Describe))}) the cheapest by {basis} is {chosen.Strategy.Name}.");
            reasoning.Add("Not significantly different is not proof of equivalence: with more test items a small difference may become significant.");
        }

        return (new Recommendation { Strategy = chosen.Strategy.Name, Best = best, Candidates = candidates.Select(c => c.Strategy.Name).ToArray(), Reasoning = reasoning, CostBasis = basis }, null);
    }

    /// <summary>
    /// The cheapest candidate by what the run measured: the cost per run when every candidate's cost is known and one is
    /// not free; by p95 latency then tokens when every cost is known and zero (free or local models, where time is the
    /// cost); by tokens per run then p95 latency when some prices are missing. Never by the pre-flight estimate.
    /// </summary>
    private static (StrategyReport Chosen, string Basis) Cheapest(List<StrategyReport> candidates)
    {
        var ordered = candidates.Select((s, order) => (s, order));
        if (candidates.All(s => s.Cost.PerRun is not null) && candidates.Any(s => s.Cost.PerRun > 0))
        {
            return (ordered.OrderBy(x => x.s.Cost.PerRun).ThenBy(x => P95(x.s)).ThenBy(x => x.order).First().s, "measured cost per run (then p95 latency)");
        }

        if (candidates.All(s => s.Cost.PerRun is not null))
        {
            return (ordered.OrderBy(x => P95(x.s)).ThenBy(x => TokensPerRun(x.s)).ThenBy(x => x.order).First().s,
                "measured p95 latency, then tokens per run (every candidate's cost is 0: a free or local model, where time is what it costs)");
        }

        return (ordered.OrderBy(x => TokensPerRun(x.s)).ThenBy(x => P95(x.s)).ThenBy(x => x.order).First().s,
            "measured tokens per run, then p95 latency (some candidates' models have no price, so their cost is unknown; pass a price table to decide by cost)");
    }

    private static string Describe(StrategyReport s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.Strategy.Name}: {(s.Cost.PerRun is { } c ? c.ToString("0.######", CultureInfo.InvariantCulture) : "unknown")} per run, {TokensPerRun(s):F0} tokens per run, p95 {P95(s):F2} ms");

    private static double P95(StrategyReport s) => double.IsNaN(s.Latency.P95) ? double.MaxValue : s.Latency.P95;

    internal static double TokensPerRun(StrategyReport s) => s.Runs == 0 ? 0 : (double)(s.Cost.InputTokens + s.Cost.OutputTokens) / s.Runs;
}
