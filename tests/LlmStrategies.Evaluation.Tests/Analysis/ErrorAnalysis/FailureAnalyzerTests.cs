using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class FailureAnalyzerTests
{
    [Test]
    public async Task AttributesEachFailureToRetrievalOrReading()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var report = await DataWork.AnalyzeAsync(dataset, null, run);
        var rag = report.Failures.Attribution.Single();
        var causes = rag.Items.ToDictionary(i => i.Item, i => i.Cause);
        Assert.Multiple(() =>
        {
            Assert.That(report.Failures.Strategy, Is.EqualTo("rag"), "the best mean (0.4 against 0.2)");
            Assert.That(rag.Strategy, Is.EqualTo("rag"), "prompt-only retrieved nothing, so it is not attributed");
            Assert.That(causes, Is.EqualTo(new Dictionary<string, string>
            {
                ["q1"] = "correct-with-gold",
                ["q2"] = "retrieval-miss",
                ["q3"] = "reading-miss",
                ["q4"] = "retrieval-miss",
                ["q5"] = "correct-without-gold",
            }));
            Assert.That((rag.CorrectWithGold, rag.CorrectWithoutGold, rag.RetrievalMisses, rag.ReadingMisses), Is.EqualTo((1, 1, 2, 1)));
            Assert.That(rag.RetrievalMissesNotInCorpus, Is.EqualTo(1), "q4's answer 'purple' is in no document");
            Assert.That(rag.RetrievalMissesAnswerInContext, Is.Zero);
            Assert.That(rag.Items.Single(i => i.Item == "q5").AnswerInContext, Is.True, "d6 says the bridge is grey");
            Assert.That(rag.Source, Does.Contain("retrieved source ids"));
        });
    }

    [Test]
    public async Task ClusteredItems_AreNotedAsMakingSliceTestsOptimistic()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var clustered = new ExperimentRun
        {
            Name = run.Name,
            DatasetName = run.DatasetName,
            DatasetFingerprint = run.DatasetFingerprint,
            Strategies = run.Strategies,
            ItemIds = run.ItemIds,
            Records = run.Records,
            Prices = run.Prices,
            ClusterField = "topic",
            ItemClusters = ["colour", "colour", "river", "colour", "colour"],
        };
        var options = new ReportOptions { PrimaryMetric = AnalysisFixtures.Metric, Resamples = 200 };

        var independent = await DataWork.AnalyzeAsync(dataset, null, run);
        var fromRun = await DataWork.AnalyzeAsync(dataset, null, clustered);
        var fromReport = await DataWork.AnalyzeAsync(dataset, null, ExperimentReport.Create(clustered, options));
        Assert.Multiple(() =>
        {
            Assert.That(independent.Failures.Notes, Has.None.Contains("not independent"));
            Assert.That(fromRun.Failures.Notes, Has.One.Contains("items of one 'topic' as not independent").And.Contains("optimistic"));
            Assert.That(fromReport.Failures.Notes, Has.One.Contains("items of one 'topic' as not independent"));
            Assert.That(DataWorkMarkdown.Render(fromRun), Does.Contain("\n> The experiment treats items of one 'topic' as not independent"), "notes are rendered");
            Assert.That(DataWorkHtml.RenderSection(fromRun), Does.Contain("<p class=\"note\">The experiment treats items of one &#39;topic&#39; as not independent"));
        });
    }

    [Test]
    public async Task ARunOnASeededSample_IsAnalysedAgainstTheWholeDataset()
    {
        // The ladder scores a DatasetSampler sample of the test split and passes the whole dataset to the analysis.
        var (dataset, run) = AnalysisFixtures.Attribution();
        var sample = DatasetSampler.Sample(dataset, 3, seed: 7);
        var sampled = AnalysisFixtures.Run(sample, ["rag"], run.Records.Where(r => r.StrategyName == "rag" && sample.TryGetItem(r.ItemId, out _)));

        var analysis = await DataWork.AnalyzeAsync(dataset, null, sampled);

        Assert.Multiple(() =>
        {
            Assert.That(sample.Items, Has.Count.EqualTo(3));
            Assert.That(analysis.Failures.Overall.Count, Is.EqualTo(3));
            Assert.That(analysis.Failures.Attribution.Single().Items.Select(i => i.Item), Is.EqualTo(sample.Items.Select(i => i.Id)));
        });
    }

    [Test]
    public async Task AReportGivesTheSameAttributionFromTheMrrMetric()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var fromRun = await DataWork.AnalyzeAsync(dataset, null, run);
        var fromReport = await DataWork.AnalyzeAsync(dataset, null, ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = AnalysisFixtures.Metric }));
        Assert.Multiple(() =>
        {
            Assert.That(fromReport.Failures.Evidence, Is.EqualTo("report scores"));
            Assert.That(fromReport.Failures.Attribution.Single().Items.Select(i => i.Cause), Is.EqualTo(fromRun.Failures.Attribution.Single().Items.Select(i => i.Cause)));
            Assert.That(fromReport.Failures.Attribution.Single().Source, Does.Contain("per-item MRR@5 > 0"));
            Assert.That(fromReport.Failures.Attribution.Single().RetrievalMissesAnswerInContext, Is.Null, "a report has no retrieved ids");
        });
    }

    [Test]
    public async Task ComparesRungsItemByItemWithMcNemar()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var c = (await DataWork.AnalyzeAsync(dataset, null, run)).Failures.Comparisons.Single();
        Assert.Multiple(() =>
        {
            Assert.That((c.First, c.Second, c.Count), Is.EqualTo(("prompt-only", "rag", 5)));
            Assert.That((c.SecondWins, c.FirstWins, c.Ties), Is.EqualTo((1, 0, 4)));
            Assert.That(c.FixedItems, Is.EqualTo(new[] { "q5" }));
            Assert.That(c.BrokenItems, Is.Empty);
            Assert.That(c.Difference, Is.EqualTo(0.2).Within(1e-12));
            Assert.That(c.Test, Does.StartWith("McNemar"));
            Assert.That(c.PValue, Is.EqualTo(1.0), "one discordant pair: p = min(1, 2·P(X ≤ 0)) with X ~ Bin(1, ½)");
        });
    }

    [Test]
    public async Task McNemarPValueMatchesTheExactBinomialByHand()
    {
        // 12 items: the second rung fixes 6 and breaks 1. Exact two-sided McNemar: 2·P(X ≤ 1), X ~ Bin(7, ½) = 2·(1 + 7)/128 = 0.125.
        var items = Enumerable.Range(0, 12).Select(i => AnalysisFixtures.Item($"i{i:D2}", $"Question number {i}?", "yes")).ToArray();
        var dataset = new EvaluationDataset("flips", items);
        double[] first = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
        double[] second = [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0];
        var records = items.Select((it, i) => AnalysisFixtures.Record("a", it, "x", [], first[i]))
            .Concat(items.Select((it, i) => AnalysisFixtures.Record("b", it, "x", [], second[i])));
        var c = (await DataWork.AnalyzeAsync(dataset, null, AnalysisFixtures.Run(dataset, ["a", "b"], records))).Failures.Comparisons.Single();
        Assert.Multiple(() =>
        {
            Assert.That(c.FixedItems, Has.Count.EqualTo(6));
            Assert.That(c.BrokenItems, Is.EqualTo(new[] { "i06" }));
            Assert.That(c.PValue, Is.EqualTo(0.125).Within(1e-12));
            Assert.That(c.Significant, Is.False);
        });
    }

    [Test]
    public async Task FlagsTheSliceThatIsSignificantlyBelowTheMean()
    {
        var (dataset, run) = Slices();
        var options = new DataWorkOptions { MinSliceSize = 20 };
        var failures = (await DataWork.AnalyzeAsync(dataset, null, run, options)).Failures;
        var alpha = failures.Slices.Single(s => s.Value == "alpha");
        var beta = failures.Slices.Single(s => s.Value == "beta");
        var alphaScores = dataset.Items.Where(i => i.Metadata["topic"] == "alpha").Select(i => Score(i.Id)).ToArray();
        var interval = Bootstrap.Mean(alphaScores, options.Seed, options.Resamples, options.ConfidenceLevel);
        Assert.Multiple(() =>
        {
            Assert.That(failures.SliceSettings.Tested, Is.EqualTo(3), "question word, length and answer type have one value each here");
            Assert.That(failures.Overall.Mean, Is.EqualTo(35.0 / 60).Within(1e-12));
            Assert.That((alpha.Feature, alpha.Count, alpha.Failures), Is.EqualTo(("metadata.topic", 20, 18)));
            Assert.That(alpha.Mean, Is.EqualTo(0.1).Within(1e-12));
            Assert.That((alpha.Lower, alpha.Upper), Is.EqualTo((interval.Lower, interval.Upper)));
            Assert.That(alpha.PValue, Is.LessThanOrEqualTo(2.0 / (options.Resamples + 1)), "exact hypergeometric P(X ≤ 2) for 20 of 60 with 35 correct is about 1e-7");
            Assert.That(alpha.Flagged, Is.True);
            Assert.That(beta.Flagged, Is.False);
            Assert.That(beta.PValue, Is.GreaterThan(0.5));
            var raw = new[] { "alpha", "beta", "gamma" }.Select(v => failures.Slices.Single(s => s.Value == v)).ToArray();
            Assert.That(raw.Select(s => s.AdjustedPValue), Is.EqualTo(MultipleComparisons.BenjaminiHochberg(raw.Select(s => s.PValue).ToArray())).Within(1e-12));
            Assert.That(failures.Slices[0].Value, Is.EqualTo("alpha"), "worst first");
        });
    }

    [Test]
    public async Task SlicesSmallerThanTheMinimumAreCountedButNotTested()
    {
        var (dataset, run) = Slices();
        var failures = (await DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { MinSliceSize = 21 })).Failures;
        Assert.Multiple(() =>
        {
            Assert.That(failures.Slices, Is.Empty);
            Assert.That(failures.SliceSettings.TooSmall, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task WithoutGoldPassagesAttributionSaysWhyAndStops()
    {
        var items = Enumerable.Range(0, 4).Select(i => AnalysisFixtures.Item($"n{i}", $"Question {i}?", "yes")).ToArray();
        var dataset = new EvaluationDataset("no-passages", items, [AnalysisFixtures.Document("d1", "yes it is")]);
        var run = AnalysisFixtures.Run(dataset, ["rag"], items.Select(it => AnalysisFixtures.Record("rag", it, "no", ["d1"], 0)));
        var failures = (await DataWork.AnalyzeAsync(dataset, null, run)).Failures;
        Assert.Multiple(() =>
        {
            Assert.That(failures.Attribution, Is.Empty);
            Assert.That(failures.AttributionNote, Does.Contain("no test item has a gold passage").IgnoreCase);
        });
    }

    [Test]
    public void RefusesADatasetWhoseItemsChangedSinceTheRun()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var changed = new EvaluationDataset(dataset.Name, dataset.Items.Select(i => i.Id == "q2" ? AnalysisFixtures.Item("q2", i.Input, "emerald", "d2") : i), dataset.Corpus);
        Assert.That(() => DataWork.AnalyzeAsync(changed, null, run), Throws.ArgumentException.With.Message.Contains("changed since the run"));
    }

    [Test]
    public void RefusesScoresOutsideTheRange()
    {
        var items = new[] { AnalysisFixtures.Item("j1", "Question?", "yes") };
        var dataset = new EvaluationDataset("judge", items);
        var run = AnalysisFixtures.Run(dataset, ["s"], [AnalysisFixtures.Record("s", items[0], "x", [], 4, binary: false)]);
        Assert.Multiple(() =>
        {
            Assert.That(() => DataWork.AnalyzeAsync(dataset, null, run), Throws.ArgumentException.With.Message.Contains("ScoreMaximum"));
            Assert.That(() => DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { ScoreMinimum = 1, ScoreMaximum = 5, SuccessThreshold = 4 }), Throws.Nothing);
        });
    }

    [Test]
    public void RejectsUnknownStrategiesAndMetricsByName()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        Assert.Multiple(() =>
        {
            Assert.That(() => DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { Strategy = "nope" }), Throws.ArgumentException.With.Message.Contains("nope"));
            Assert.That(() => DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { PrimaryMetric = "BLEU" }), Throws.ArgumentException.With.Message.Contains("BLEU"));
            Assert.That(() => DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { MinSliceSize = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MinSliceSize"));
        });
    }

    private static double Score(string id)
    {
        var n = int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var topic = n / 20;
        var k = n % 20;
        return topic switch { 0 => k < 2 ? 1 : 0, 1 => k < 16 ? 1 : 0, _ => k < 17 ? 1 : 0 };
    }

    /// <summary>60 items in three topics: alpha 2/20 correct, beta 16/20, gamma 17/20 (35/60 overall); every other feature has one value.</summary>
    private static (EvaluationDataset, ExperimentRun) Slices()
    {
        string[] topics = ["alpha", "beta", "gamma"];
        var items = Enumerable.Range(0, 60).Select(n => AnalysisFixtures.Item($"s{n:D2}", $"What is item {n:D2} about?", $"x{n}", metadata: new Dictionary<string, string> { ["topic"] = topics[n / 20] })).ToArray();
        var dataset = new EvaluationDataset("slices", items);
        return (dataset, AnalysisFixtures.Run(dataset, ["s"], items.Select(i => AnalysisFixtures.Record("s", i, "x", [], Score(i.Id)))));
    }
}
