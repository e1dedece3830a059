using System.Globalization;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Turns the profile and the failure analysis into a ranked "what to fix first" list. Blockers (data that makes the
/// scores untrustworthy: test items duplicated in other splits, test items without usable gold, gold passages missing
/// from the corpus) come first; then improvements by their potential gain: how far the affected items are from a
/// perfect score (a slice: from the overall mean), over all scored items; last, candidates to read whose effect is
/// unknown (test items with a near-duplicate in another split). Findings overlap (a retrieval miss can sit in a weak
/// slice), so each gain is an upper bound on its own, not a share of a total.
/// </summary>
internal static class FindingRanker
{
    private const string Blocker = "blocker";
    private const string Improvement = "improvement";
    private const string Review = "review";

    public static List<DataWorkFinding> Rank(DatasetProfile profile, FailureAnalysis analysis, FailureContext context, DataWorkOptions options)
    {
        var n = context.ScoredCount;
        var run = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < context.Outcomes.ItemIds.Count; i++)
        {
            run[context.Outcomes.ItemIds[i]] = i;
        }

        var findings = new List<DataWorkFinding>();
        void Add(string kind, string severity, string title, string evidence, string fix, IReadOnlyCollection<string> affected, double gainOverride = double.NaN, IReadOnlyList<string>? leading = null)
        {
            // Listed first: the items that explain the finding best (a cluster's representatives), then the lowest scores.
            var lead = (leading ?? []).Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
            var inRun = affected.Where(run.ContainsKey).ToArray();
            if (inRun.Length == 0)
            {
                return;
            }

            var failedItems = inRun.Where(id => context.Scores[run[id]] is { } s && !options.IsSuccess(s)).ToArray();
            var gain = double.IsNaN(gainOverride) ? inRun.Sum(id => context.Scores[run[id]] is { } s ? options.Gap(s) : 0) / n : gainOverride;
            findings.Add(new DataWorkFinding
            {
                Kind = kind,
                Severity = severity,
                Title = title,
                Evidence = evidence,
                Fix = fix,
                AffectedItems = inRun.Length,
                FailedItems = failedItems.Length,
                PotentialGain = severity == Improvement ? Math.Round(gain, 6) : 0,
                Items = inRun.OrderBy(id => lead.GetValueOrDefault(id, int.MaxValue)).ThenBy(id => context.Scores[run[id]] ?? double.NegativeInfinity).ThenBy(id => id, StringComparer.Ordinal).Take(options.MaxListedItems).ToArray(),
            });
        }

        AddBlockers(profile, context, Add);
        AddAnswerability(profile, run, Add);
        if (context.Attribution is { } attribution)
        {
            AddAttribution(attribution, Add);
        }

        foreach (var slice in analysis.Slices.Where(s => s.Flagged && s.Feature is not (FailureAnalyzer.RetrievalFeature or FailureAnalyzer.AnswerabilityFeature)))
        {
            var scale = options.ScoreMaximum - options.ScoreMinimum;
            Add(
                "weak-slice",
                Improvement,
                $"Weak slice: {slice.Feature} = {slice.Value}",
                Text($"{context.Metric} {slice.Mean:0.000} [{slice.Lower:0.000}, {slice.Upper:0.000}] on {slice.Count} items against {analysis.Overall.Mean:0.000} overall; {slice.Failures} failures; one-sided p = {slice.PValue:0.0000}, corrected p = {slice.AdjustedPValue:0.0000} ({analysis.SliceSettings.Correction})."),
                SliceFix(slice.Feature),
                slice.Items,
                (analysis.Overall.Mean - slice.Mean) * slice.Count / n / scale);
        }

        foreach (var cluster in analysis.Clusters.Clusters.Where(c => c.RegionMean < analysis.Overall.Mean))
        {
            // Like a slice: what the region would gain if it reached the overall mean (not the cluster's failures, which
            // every cluster has by construction).
            Add(
                "failure-cluster",
                Improvement,
                $"Failure cluster {cluster.Id}{(cluster.TopTerms.Count > 0 ? $" ({string.Join(", ", cluster.TopTerms)})" : string.Empty)}",
                Text($"{cluster.Failures} failed inputs close together; the {cluster.RegionItems} scored items nearest to it average {cluster.RegionMean:0.000} against {analysis.Overall.Mean:0.000} overall. Representatives: {string.Join(", ", cluster.Representatives)}. A cluster is found in the failures, so it is not tested for significance."),
                "Read the representatives: a topic the corpus or the examples do not cover, or one question pattern the prompt handles badly. Add documents or few-shot examples for it.",
                cluster.Items,
                (analysis.Overall.Mean - cluster.RegionMean) * cluster.RegionItems / n / (options.ScoreMaximum - options.ScoreMinimum),
                cluster.Representatives);
        }

        if (profile.Duplicates.ConflictingItems.Count > 0)
        {
            Add(
                "conflicting-gold",
                Improvement,
                "Same or near-same input with different gold",
                Text($"{profile.Duplicates.ConflictingGold} groups of identical (normalised) inputs disagree on the gold answer ({profile.Duplicates.ConflictingItems.Count} items in the dataset). Whatever the strategy answers, one of them scores it wrong."),
                "Review them: make each question specific enough to have one answer, or accept every answer in each item's gold.",
                profile.Duplicates.ConflictingItems);
        }

        return findings
            .OrderBy(f => f.Severity switch { Blocker => 0, Improvement => 1, _ => 2 })
            .ThenByDescending(f => f.Severity == Blocker ? f.AffectedItems : f.PotentialGain)
            .ThenByDescending(f => f.FailedItems)
            .ThenBy(f => f.Title, StringComparer.Ordinal)
            .Take(options.TopFindings)
            .Select((f, i) => new DataWorkFinding
            {
                Rank = i + 1,
                Kind = f.Kind,
                Severity = f.Severity,
                Title = f.Title,
                Evidence = f.Evidence,
                Fix = f.Fix,
                AffectedItems = f.AffectedItems,
                FailedItems = f.FailedItems,
                PotentialGain = f.PotentialGain,
                Items = f.Items,
            })
            .ToList();
    }

    private delegate void AddFinding(string kind, string severity, string title, string evidence, string fix, IReadOnlyCollection<string> affected, double gainOverride = double.NaN, IReadOnlyList<string>? leading = null);

    private static void AddBlockers(DatasetProfile profile, FailureContext context, AddFinding add)
    {
        if (profile.Duplicates.TestItemsDuplicatedElsewhere.Count > 0)
        {
            add(
                "split-leakage",
                Blocker,
                "Test items duplicated in train or dev",
                Text($"{profile.Duplicates.TestItemsDuplicatedElsewhere.Count} test items have the same normalised input as an item in another split. A few-shot pool or fine-tune drawn from train has seen them, so their scores measure memory."),
                "Remove the duplicates or keep them in one split (split by a group field), then re-split and re-run.",
                profile.Duplicates.TestItemsDuplicatedElsewhere);
        }

        if (profile.Duplicates.TestItemsNearDuplicatedElsewhere.Count > 0)
        {
            add(
                "possible-split-leakage",
                Review,
                "Test items with a near-duplicate in train or dev",
                Text($"{profile.Duplicates.TestItemsNearDuplicatedElsewhere.Count} test items have a near-duplicate in another split ({profile.Duplicates.Method}). Similar embeddings can still ask different things (one changed word), so read the pairs in the profile before treating them as leakage."),
                "Read the pairs; remove or regroup the real duplicates, then re-split and re-run.",
                profile.Duplicates.TestItemsNearDuplicatedElsewhere);
        }

        var items = context.Evidence.Items;
        var test = context.DatasetIndex;
        if (!items.LabelIsGold)
        {
            var noGold = test.Where(i => items.GoldKeys[i].Length == 0 && items.Items[i].Metadata.GetValueOrDefault("is_impossible") != "true").Select(i => items.Items[i].Id).ToArray();
            add("missing-gold", Blocker, "Test items without usable gold", Text($"{noGold.Length} test items have no expected output, or only ones that normalise to nothing (punctuation, articles), so no metric can score them fairly."), "Add or correct the gold (export them for review), or remove the items.", noGold);
        }

        if (context.Evidence.Locator is { } locator)
        {
            var dangling = test.Where(i => items.Items[i].RelevantDocuments.Any(r => r.Value > 0 && !locator.HasDocument(r.Key))).Select(i => items.Items[i].Id).ToArray();
            add("dangling-gold-passage", Blocker, "Gold passages that are not in the corpus", Text($"{dangling.Length} test items name a gold passage id the corpus does not have, so their retrieval metrics and attribution are wrong."), "Fix the ids in the relevance judgments or add the documents to the corpus.", dangling);
        }
    }

    private static void AddAnswerability(DatasetProfile profile, Dictionary<string, int> run, AddFinding add)
    {
        if (profile.Answerability is { NotInCorpusItems.Count: > 0 } answerability)
        {
            var inTest = answerability.NotInCorpusItems.Count(run.ContainsKey);
            add(
                "answer-not-in-corpus",
                Improvement,
                "Gold answer nowhere in the corpus",
                Text($"{inTest} test items ({answerability.NotInCorpus} of {answerability.Checked} in the whole dataset) have a gold answer that occurs in no document as SQuAD-normalised whole words (the contains metric's test). No retriever can find it; a reader can only guess, or the gold is paraphrased."),
                "Add the documents that answer them, or correct the gold if it is paraphrased or wrong (export them for review).",
                answerability.NotInCorpusItems);
        }
    }

    private static void AddAttribution(FailureAttributionSummary attribution, AddFinding add)
    {
        var misses = attribution.Items.Where(a => a.Cause == FailureAttribution.RetrievalMiss).Select(a => a.Item).ToArray();
        var extra = attribution.RetrievalMissesNotInCorpus is { } notInCorpus ? Text($" {notInCorpus} of them have an answer that is in no document, so retrieval cannot fix those.") : string.Empty;
        var inContext = attribution.RetrievalMissesAnswerInContext is { } answerInContext ? Text($" In {answerInContext} the answer text was in another retrieved document.") : string.Empty;
        add(
            "retrieval-misses",
            Improvement,
            $"Retrieval misses ({attribution.Strategy})",
            Text($"{attribution.RetrievalMisses} of {attribution.Count} items were answered wrong with no gold passage in the context.{extra}{inContext}"),
            "Improve retrieval: chunking, the index (hybrid BM25 + vectors), more documents (k), or query rewriting. Measure Recall@k on the same split.",
            misses);
        add(
            "reading-misses",
            Improvement,
            $"Reading misses ({attribution.Strategy})",
            Text($"{attribution.ReadingMisses} of {attribution.Count} items were answered wrong although a gold passage was in the context."),
            "Improve reading: instructions, answer format, few-shot examples of good answers, or a stronger model; retrieval already did its part.",
            attribution.Items.Where(a => a.Cause == FailureAttribution.ReadingMiss).Select(a => a.Item).ToArray());
    }

    private static string SliceFix(string feature) => feature switch
    {
        ItemFeatures.QuestionWordFeature => "Look at these questions: add few-shot examples of this question type, or check that the answer format fits it.",
        ItemFeatures.AnswerTypeFeature => "Check the answer format for this type (numbers, dates, names: units, spelling, normalisation) and add examples of it.",
        ItemFeatures.LengthFeature => "Check long or short inputs: truncation, prompt budget, or questions that carry little to retrieve with.",
        _ => "Read the slice's failures: missing documents or examples for this value, or gold that needs review.",
    };

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
