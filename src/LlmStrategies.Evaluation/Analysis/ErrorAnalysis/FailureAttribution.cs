using System.Globalization;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Splits one strategy's answers into retrieval misses (no gold passage in the context, answer wrong), reading misses
/// (gold passage in the context, answer wrong) and correct answers with or without the gold passage. "In the context" is
/// read from the recorded source ids, or, from a report, from the per-item MRR (&gt; 0 exactly when a relevant document
/// was among the retrieved ones, as <see cref="RetrievalEvaluator"/> computes it).
/// </summary>
internal static class FailureAttribution
{
    public const string CorrectWithGold = "correct-with-gold";
    public const string CorrectWithoutGold = "correct-without-gold";
    public const string RetrievalMiss = "retrieval-miss";
    public const string ReadingMiss = "reading-miss";
    public const string NoGoldPassage = "no-gold-passage";
    public const string Unscored = "unscored";

    /// <summary>Whether the strategy retrieved anything at all (prompt-only rungs are not attributed).</summary>
    public static bool Retrieves(RunOutcomes outcomes, string strategy)
    {
        if (outcomes.Sources is { } sources)
        {
            return sources[strategy].Any(s => s is { Count: > 0 });
        }

        return ReciprocalRankMetric(outcomes) is { } metric && outcomes.Scores(strategy, metric).Any(v => v > 0);
    }

    /// <summary>
    /// The reciprocal-rank metric of the outcomes ("MRR@k" as <see cref="RetrievalEvaluator"/> names it; "MRR" in reports
    /// written before the cut-off was part of the name). With several cut-offs the largest k is used: it is the closest
    /// to "a relevant document was anywhere in the context".
    /// </summary>
    public static string? ReciprocalRankMetric(RunOutcomes outcomes) => outcomes.Metrics
        .Select(name => (Name: name, K: name == "MRR" ? int.MaxValue
            : name.StartsWith("MRR@", StringComparison.Ordinal) && int.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k
            : -1))
        .Where(m => m.K >= 0)
        .OrderByDescending(m => m.K)
        .Select(m => m.Name)
        .FirstOrDefault();

    public static FailureAttributionSummary Attribute(RunOutcomes outcomes, ProfileEvidence evidence, int[] datasetIndex, string strategy, string metric, DataWorkOptions options)
    {
        var scores = outcomes.Scores(strategy, metric);
        var reciprocalRankMetric = ReciprocalRankMetric(outcomes);
        var reciprocalRanks = reciprocalRankMetric is null ? new double?[outcomes.ItemIds.Count] : outcomes.Scores(strategy, reciprocalRankMetric);
        var sources = outcomes.Sources?[strategy];
        var items = new ItemAttribution[outcomes.ItemIds.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = evidence.Items.Items[datasetIndex[i]];
            var passages = item.RelevantDocuments.Where(r => r.Value > 0).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            bool? hit = sources is null
                ? reciprocalRanks[i] is { } rr ? rr > 0 : null
                : sources[i] is { } retrieved ? retrieved.Any(passages.Contains) : null;
            var gold = evidence.Items.GoldKeys[datasetIndex[i]];
            bool? answerInContext = sources?[i] is { } ids && evidence.Locator is { } locator && gold.Length > 0
                ? ids.Any(id => locator.Contains(id, gold) == true)
                : null;
            var cause = scores[i] is not { } score || hit is null ? Unscored
                : passages.Count == 0 ? NoGoldPassage
                : options.IsSuccess(score) ? (hit.Value ? CorrectWithGold : CorrectWithoutGold)
                : hit.Value ? ReadingMiss : RetrievalMiss;
            items[i] = new ItemAttribution
            {
                Item = item.Id,
                Cause = cause,
                Score = scores[i],
                AnswerInContext = answerInContext,
                AnswerInCorpus = evidence.Answers[datasetIndex[i]] switch
                {
                    AnswerStatus.NotInCorpus => false,
                    AnswerStatus.InGoldPassage or AnswerStatus.OnlyInOtherDocuments or AnswerStatus.InCorpusWithoutGoldPassage => true,
                    _ => null,
                },
            };
        }

        var misses = items.Where(a => a.Cause == RetrievalMiss).ToArray();
        return new FailureAttributionSummary
        {
            Strategy = strategy,
            Source = sources is null ? $"per-item {reciprocalRankMetric ?? "MRR@k (not in the report)"} > 0 (report scores; the retrieved ids were not recorded)" : "retrieved source ids of the run records",
            Count = items.Length,
            CorrectWithGold = items.Count(a => a.Cause == CorrectWithGold),
            CorrectWithoutGold = items.Count(a => a.Cause == CorrectWithoutGold),
            RetrievalMisses = misses.Length,
            ReadingMisses = items.Count(a => a.Cause == ReadingMiss),
            NoGoldPassage = items.Count(a => a.Cause == NoGoldPassage),
            Unscored = items.Count(a => a.Cause == Unscored),
            RetrievalMissesNotInCorpus = evidence.Locator is null ? null : misses.Count(a => a.AnswerInCorpus == false),
            RetrievalMissesAnswerInContext = sources is null || evidence.Locator is null ? null : misses.Count(a => a.AnswerInContext == true),
            Items = items,
        };
    }
}
