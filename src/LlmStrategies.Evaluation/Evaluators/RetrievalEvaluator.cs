using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Retrieval quality from the documents a strategy put into its prompt: recall@k, reciprocal rank within the first k
/// (its mean over items is MRR@k) and nDCG@k with graded judgments, as <see cref="RetrievalMetrics"/> defines them. Needs a
/// <see cref="RetrievedSourcesContext"/> and a <see cref="RelevanceJudgmentsContext"/>; a strategy that retrieved
/// nothing scores 0.
/// </summary>
public sealed class RetrievalEvaluator : IEvaluator
{
    private readonly int _k;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="k">The cut-off for recall and nDCG. Default 5.</param>
    public RetrievalEvaluator(int k = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _k = k;
        RecallMetricName = string.Create(CultureInfo.InvariantCulture, $"Recall@{k}");
        NdcgMetricName = string.Create(CultureInfo.InvariantCulture, $"nDCG@{k}");
        ReciprocalRankMetricName = string.Create(CultureInfo.InvariantCulture, $"MRR@{k}");
        EvaluationMetricNames = [RecallMetricName, ReciprocalRankMetricName, NdcgMetricName];
    }

    /// <summary>Gets the recall metric's name ("Recall@k").</summary>
    public string RecallMetricName { get; }

    /// <summary>Gets the nDCG metric's name ("nDCG@k").</summary>
    public string NdcgMetricName { get; }

    /// <summary>Gets the reciprocal-rank metric's name ("MRR@k": the reciprocal rank of the first relevant document within the first k, 0 when none; averaged over items it is MRR@k).</summary>
    public string ReciprocalRankMetricName { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    /// <inheritdoc/>
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        var retrieved = EvaluatorContexts.Find<RetrievedSourcesContext>(additionalContext);
        var judgments = EvaluatorContexts.Find<RelevanceJudgmentsContext>(additionalContext);
        if (retrieved is null || judgments is null || !judgments.Judgments.Values.Any(g => g > 0))
        {
            var message = $"{nameof(RetrievalEvaluator)} needs a {nameof(RetrievedSourcesContext)} and a {nameof(RelevanceJudgmentsContext)} with at least one relevant document; give the items relevance judgments (BEIR qrels, the 'relevant' field) or drop this evaluator.";
            return ValueTask.FromResult(new EvaluationResult(
                EvaluatorContexts.NumericError(RecallMetricName, message),
                EvaluatorContexts.NumericError(ReciprocalRankMetricName, message),
                EvaluatorContexts.NumericError(NdcgMetricName, message)));
        }

        var relevant = judgments.Judgments.Where(j => j.Value > 0).Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        var ranked = retrieved.SourceIds;
        return ValueTask.FromResult(new EvaluationResult(
            new NumericMetric(RecallMetricName, RetrievalMetrics.RecallAt(ranked, relevant, _k)),
            new NumericMetric(ReciprocalRankMetricName, RetrievalMetrics.ReciprocalRank(ranked, relevant, _k)),
            new NumericMetric(NdcgMetricName, RetrievalMetrics.NdcgAt(ranked, judgments.Judgments, _k))));
    }
}
