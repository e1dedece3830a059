using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>Reports a run's latency (milliseconds), tokens and cost as metrics, from a <see cref="RunStatisticsContext"/>.</summary>
public sealed class LatencyCostEvaluator : IEvaluator
{
    /// <summary>The latency metric's name.</summary>
    public const string LatencyMetricName = "Latency (ms)";

    /// <summary>The cost metric's name.</summary>
    public const string CostMetricName = "Cost";

    /// <summary>The total-tokens metric's name.</summary>
    public const string TokensMetricName = "Total Tokens";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [LatencyMetricName, CostMetricName, TokensMetricName];

    /// <inheritdoc/>
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        var statistics = EvaluatorContexts.Find<RunStatisticsContext>(additionalContext);
        if (statistics is null)
        {
            var message = $"{nameof(LatencyCostEvaluator)} needs a {nameof(RunStatisticsContext)} (the experiment runner supplies one).";
            return ValueTask.FromResult(new EvaluationResult(
                EvaluatorContexts.NumericError(LatencyMetricName, message),
                EvaluatorContexts.NumericError(CostMetricName, message),
                EvaluatorContexts.NumericError(TokensMetricName, message)));
        }

        var cost = new NumericMetric(CostMetricName, statistics.Cost is { } c ? (double)c : null, statistics.Cost is null ? "The model has no price in the price table." : null);
        if (statistics.Cost is null)
        {
            cost.AddDiagnostics(EvaluationDiagnostic.Warning("The model has no price in the price table; add it to compute costs."));
        }

        var tokens = statistics.Usage?.TotalTokenCount ?? ((statistics.Usage?.InputTokenCount ?? 0) + (statistics.Usage?.OutputTokenCount ?? 0));
        return ValueTask.FromResult(new EvaluationResult(
            new NumericMetric(LatencyMetricName, statistics.Latency.TotalMilliseconds),
            cost,
            new NumericMetric(TokensMetricName, tokens)));
    }
}
