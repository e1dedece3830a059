using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments.Reports;

/// <summary>Issue 14, items 5 and 8 to 12: scope, clustered statistics, decisions a team can trust.</summary>
public class ExperimentDecisionTests
{
    private static readonly EvaluationItem[] Items = Enumerable.Range(0, 40).Select(i => new EvaluationItem
    {
        Id = $"q{i}",
        Input = $"question {i}",
        ExpectedOutputs = [$"answer {i}"],
        Metadata = new Dictionary<string, string> { ["paragraph"] = $"p{i / 4}", ["article"] = $"a{i / 20}" },
    }).ToArray();

    private static Task<ExperimentRun> RunAsync(PriceTable prices, params TestStrategy[] strategies) =>
        RunAsync(prices, new EvaluationDataset("d", Items), strategies);

    private static Task<ExperimentRun> RunAsync(PriceTable prices, EvaluationDataset dataset, params TestStrategy[] strategies) =>
        new ExperimentRunner(prices: prices).RunAsync(strategies.Select(s => new ExperimentStrategy(s, s.ModelId)).ToArray(), dataset, [new ContainsEvaluator(), new LatencyCostEvaluator()]);

    private static TestStrategy Right(string name, string model = "free") => new(name, r => $"answer {r.Question[9..]}") { ModelId = model };

    private static PriceTable Free => new PriceTable().Set("free", new ModelPrice(0, 0, 0));

    [Test]
    public async Task AStrategyWithManyFailedItems_IsIncomplete_AndNeitherBestNorRecommended()
    {
        // "flaky" is right whenever it answers, but fails on a third of the items: on the rest it looks perfect.
        var flaky = new TestStrategy("flaky", r => $"answer {r.Question[9..]}") { ModelId = "free", Fails = r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 };
        var half = new TestStrategy("half", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 5 == 0 ? "no" : $"answer {r.Question[9..]}") { ModelId = "free" };

        var report = ExperimentReport.Create(await RunAsync(Free, flaky, half), new ReportOptions { Resamples = 500 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Strategies.Single(s => s.Strategy.Name == "flaky").Incomplete, Does.Contain("14 of 40 runs failed"));
            Assert.That(report.Recommendation!.Strategy, Is.EqualTo("half"));
            Assert.That(report.Comparisons, Has.None.Matches<StrategyComparison>(c => c.Best == "flaky" || c.Other == "flaky"));
            Assert.That(report.ToMarkdown(), Does.Contain("flaky (incomplete)").And.Not.Contain("flaky ✅"));
        });
    }

    [Test]
    public async Task WhenEveryStrategyScoresZero_ThereIsNoBasisForARecommendation()
    {
        var report = ExperimentReport.Create(
            await RunAsync(Free, new TestStrategy("a", _ => "I cannot answer that") { ModelId = "free" }, new TestStrategy("b", _ => "no idea") { ModelId = "free" }),
            new ReportOptions { Resamples = 500 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Recommendation, Is.Null);
            Assert.That(report.NoRecommendation, Does.Contain("within noise of 0"));
            Assert.That(report.ToMarkdown(), Does.Contain("**No recommendation**").And.Not.Contain("✅"));
            Assert.That(report.ToHtml(), Does.Contain("No recommendation"));
        });
    }

    [Test]
    public async Task Cheapest_WithFreeModels_IsDecidedByMeasuredLatency_NotByTokens()
    {
        // Equal quality; "lean" uses fewer tokens but is 6.6 times slower, as rag-hybrid was against rag-bm25.
        var fast = new TestStrategy("fast", r => $"answer {r.Question[9..]}") { ModelId = "free", InputTokens = 300, ElapsedMs = 10 };
        var lean = new TestStrategy("lean", r => $"answer {r.Question[9..]}") { ModelId = "free", InputTokens = 250, ElapsedMs = 66 };

        var report = ExperimentReport.Create(await RunAsync(Free, lean, fast), new ReportOptions { Resamples = 500 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Recommendation!.Strategy, Is.EqualTo("fast"));
            Assert.That(report.Recommendation.CostBasis, Does.Contain("p95 latency").And.Contain("cost is 0"));
        });
    }

    [Test]
    public async Task Cheapest_WithUnknownPrices_SaysSo_AndRanksByMeasuredTokens()
    {
        var report = ExperimentReport.Create(
            await RunAsync(new PriceTable(), new TestStrategy("fat", r => $"answer {r.Question[9..]}") { ModelId = "m", InputTokens = 900 }, new TestStrategy("thin", r => $"answer {r.Question[9..]}") { ModelId = "m", InputTokens = 90, ElapsedMs = 50 }),
            new ReportOptions { Resamples = 500 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Recommendation!.Strategy, Is.EqualTo("thin"));
            Assert.That(report.Recommendation.CostBasis, Does.Contain("no price"));
        });
    }

    [Test]
    public async Task Comparisons_ReportHolmAdjustedPValues_NextToRawOnes_AndSignificanceUsesTheAdjusted()
    {
        var best = Right("best");
        var worse = new TestStrategy("worse", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 4 == 0 ? "no" : $"answer {r.Question[9..]}") { ModelId = "free" };
        var worst = new TestStrategy("worst", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? "no" : $"answer {r.Question[9..]}") { ModelId = "free" };

        var report = ExperimentReport.Create(await RunAsync(Free, best, worse, worst), new ReportOptions { Resamples = 2_000, ClusterResampling = false });
        var comparisons = report.Comparisons.Where(c => c.Metric == ContainsEvaluator.MetricName).OrderBy(c => c.PValue).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(comparisons, Has.Length.EqualTo(2));
            Assert.That(comparisons[0].AdjustedPValue!.Value, Is.EqualTo(Math.Min(1, 2 * comparisons[0].PValue)).Within(1e-15), "the smaller p times m = 2");
            Assert.That(comparisons[1].AdjustedPValue!.Value, Is.EqualTo(Math.Max(comparisons[0].AdjustedPValue!.Value, comparisons[1].PValue)).Within(1e-15));
            Assert.That(comparisons.All(c => c.Significant == c.AdjustedPValue < 0.05), Is.True);
            Assert.That(report.Settings.MultipleComparisons, Does.StartWith("Holm"));
        });
    }

    [Test]
    public async Task ItemsSharingAParagraph_GetClusterIntervals_WiderThanItemIntervals_AndTheReportSaysSo()
    {
        // Right on every other paragraph: the four questions of a paragraph rise and fall together.
        var strategy = new TestStrategy("p", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) / 4 % 2 == 0 ? $"answer {r.Question[9..]}" : "no") { ModelId = "free" };
        var run = await RunAsync(Free, strategy);

        var clustered = ExperimentReport.Create(run, new ReportOptions { Resamples = 4_000 });
        var independent = ExperimentReport.Create(run, new ReportOptions { Resamples = 4_000, ClusterResampling = false });
        var c = clustered.Metric("p", ContainsEvaluator.MetricName)!;
        var i = independent.Metric("p", ContainsEvaluator.MetricName)!;

        Assert.Multiple(() =>
        {
            Assert.That(run.ClusterField, Is.EqualTo("paragraph"), "SQuAD-style items cluster by paragraph by default");
            Assert.That(c.Mean, Is.EqualTo(i.Mean));
            Assert.That(c.Upper - c.Lower, Is.GreaterThan(1.4 * (i.Upper - i.Lower)), "10 clusters of 4 are not 40 independent items");
            Assert.That(clustered.Settings.Resampling, Does.StartWith("clusters by 'paragraph' (10 groups)"));
            Assert.That(clustered.ToMarkdown(), Does.Contain("clusters by 'paragraph'"));
        });
    }

    [Test]
    public async Task ASampledTestSet_IsStatedAsASampleInEveryReport()
    {
        var dataset = DatasetSampler.Sample(new EvaluationDataset("d", Items), 10, seed: 5, stratifyBy: "article");

        var report = ExperimentReport.Create(await RunAsync(Free, dataset, Right("r")), new ReportOptions { Resamples = 200 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Dataset.Scope, Is.EqualTo("10 of 40 items, sampled by seeded (seed 5) random sampling stratified by 'article' (2 groups, each in proportion)"));
            Assert.That(report.ToMarkdown(), Does.Contain(report.Dataset.Scope));
            Assert.That(report.ToHtml(), Does.Contain("10 of 40 items"));
        });
    }

    [Test]
    public async Task TheGate_RefusesToCompareARunWithItself()
    {
        var report = ExperimentReport.Create(await RunAsync(Free, Right("r")), new ReportOptions { Resamples = 200 });
        var reloaded = ExperimentReport.FromJson(report.ToJson());

        Assert.Multiple(() =>
        {
            Assert.That(report.RunId, Has.Length.EqualTo(32));
            Assert.That(() => RegressionGate.Evaluate(reloaded, report), Throws.ArgumentException.With.Message.Contains("same run"));
            Assert.That(() => RegressionGate.Evaluate(report, report), Throws.ArgumentException);
        });
    }

    [TestCase(0.0, "< 1e-16")]
    [TestCase(1e-300, "< 1e-16")]
    [TestCase(3.2e-7, "3.2e-7")]
    [TestCase(0.0312, "0.0312")]
    public void PValues_AreNeverPrintedAsZero(double p, string expected)
    {
        Assert.That(ExperimentReport.FormatPValue(p), Is.EqualTo(expected));
    }
}
