using System.Globalization;
using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Cli.Running;

/// <summary>The evaluators a config can name: contains, exact-match, squad, retrieval (or retrieval@k), latency-cost.</summary>
internal static class EvaluatorCatalog
{
    public static readonly string[] Names = ["contains", "exact-match", "squad", "retrieval", "latency-cost"];

    /// <summary>Gets the evaluator ids used when a config names none.</summary>
    public static readonly string[] Defaults = ["contains", "squad", "latency-cost"];

    /// <summary>Normalises an id ("Retrieval@5" → "retrieval@5", "retrieval" → "retrieval@3"); null when unknown.</summary>
    public static string? Normalise(string id)
    {
        var lower = id.Trim().ToLowerInvariant();
        if (lower == "retrieval")
        {
            return "retrieval@3";
        }

        if (lower.StartsWith("retrieval@", StringComparison.Ordinal))
        {
            return int.TryParse(lower["retrieval@".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 1000 ? lower : null;
        }

        return Names.Contains(lower, StringComparer.Ordinal) ? lower : null;
    }

    public static IEvaluator Create(string id) => id switch
    {
        "contains" => new ContainsEvaluator(),
        "exact-match" => new ExactMatchEvaluator(),
        "squad" => new SquadEvaluator(),
        "latency-cost" => new LatencyCostEvaluator(),
        _ when id.StartsWith("retrieval@", StringComparison.Ordinal) => new RetrievalEvaluator(K(id)),
        _ => throw new ArgumentException($"Unknown evaluator '{id}'.", nameof(id)),
    };

    public static IReadOnlyCollection<string> MetricNames(string id) => id switch
    {
        "contains" => [ContainsEvaluator.MetricName],
        "exact-match" => [ExactMatchEvaluator.MetricName],
        "squad" => [SquadEvaluator.F1MetricName, SquadEvaluator.ExactMatchMetricName],
        "latency-cost" => [LatencyCostEvaluator.LatencyMetricName, LatencyCostEvaluator.CostMetricName, LatencyCostEvaluator.TokensMetricName],
        _ when id.StartsWith("retrieval@", StringComparison.Ordinal) => new RetrievalEvaluator(K(id)).EvaluationMetricNames,
        _ => [],
    };

    /// <summary>Gets the metrics where lower is better (the report and the gate must know the direction).</summary>
    public static readonly string[] LowerIsBetter = [LatencyCostEvaluator.LatencyMetricName, LatencyCostEvaluator.CostMetricName, LatencyCostEvaluator.TokensMetricName];

    private static int K(string id) => int.Parse(id["retrieval@".Length..], CultureInfo.InvariantCulture);
}
