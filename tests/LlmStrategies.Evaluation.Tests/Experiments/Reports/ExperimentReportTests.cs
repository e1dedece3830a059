using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments.Reports;

public class ExperimentReportTests
{
    private static async Task<ExperimentRun> RunAsync(params TestStrategy[] strategies)
    {
        var prices = new PriceTable().Set("cheap", new ModelPrice(0.1m, 0.1m, 0.1m)).Set("dear", new ModelPrice(10m, 10m, 10m));
        var entries = strategies.Select(s => new ExperimentStrategy(s, s.ModelId)).ToArray();
        return await new ExperimentRunner(prices: prices).RunAsync(entries, ExperimentRunnerTests.Questions(40), [new ContainsEvaluator(), new SquadEvaluator(), new LatencyCostEvaluator()]);
    }

    [Test]
    public async Task MetricIntervals_AreTheBootstrapOfThePerItemScores()
    {
        var run = await RunAsync(ExperimentRunnerTests.HalfRight());
        var report = ExperimentReport.Create(run, new ReportOptions { Resamples = 2_000, Seed = 3 });

        var scores = run.ItemScores("half", SquadEvaluator.F1MetricName).Select(v => v!.Value).ToArray();
        var direct = Bootstrap.Mean(scores, 3, 2_000, 0.95);
        var metric = report.Metric("half", SquadEvaluator.F1MetricName)!;
        Assert.Multiple(() =>
        {
            Assert.That(metric.Mean, Is.EqualTo(direct.Estimate));
            Assert.That(metric.Lower, Is.EqualTo(direct.Lower));
            Assert.That(metric.Upper, Is.EqualTo(direct.Upper));
            Assert.That(metric.Count, Is.EqualTo(40));
            Assert.That(report.Metric("half", ContainsEvaluator.MetricName)!.IsBinary, Is.True);
            Assert.That(report.Settings.PrimaryMetric, Is.EqualTo(ContainsEvaluator.MetricName), "the first quality metric");
        });
    }

    [Test]
    public async Task Comparisons_UseMcNemarForBinaryMetrics_AndPermutationOtherwise()
    {
        var report = ExperimentReport.Create(await RunAsync(ExperimentRunnerTests.AllRight(), ExperimentRunnerTests.HalfRight()), new ReportOptions { Resamples = 2_000 });

        var binary = report.Comparisons.Single(c => c.Metric == ContainsEvaluator.MetricName);
        var numeric = report.Comparisons.Single(c => c.Metric == SquadEvaluator.F1MetricName);
        Assert.Multiple(() =>
        {
            Assert.That(binary.Best, Is.EqualTo("all"));
            Assert.That(binary.Difference, Is.EqualTo(0.5));
            // 20 discordant items, all favouring "all": exact binomial p = 2 / 2^20.
            Assert.That(binary.Test, Does.Contain("McNemar (exact"));
            Assert.That(binary.PValue, Is.EqualTo(PairedTests.McNemar(20, 0).PValue));
            Assert.That(binary.Significant, Is.True);
            Assert.That(numeric.Test, Does.Contain("permutation"));
        });
    }

    [Test]
    public async Task Recommendation_IsTheCheapestIndistinguishableFromTheBest()
    {
        // "dear" and "cheap" answer identically (all right); "half" is significantly worse.
        var dear = new TestStrategy("dear", r => $"answer {r.Question[9..]}") { ModelId = "dear" };
        var cheap = new TestStrategy("cheap", r => $"answer {r.Question[9..]}") { ModelId = "cheap" };
        var half = ExperimentRunnerTests.HalfRight();
        var report = ExperimentReport.Create(await RunAsync(dear, half, cheap), new ReportOptions { Resamples = 1_000 });

        var recommendation = report.Recommendation!;
        Assert.Multiple(() =>
        {
            Assert.That(recommendation.Best, Is.EqualTo("dear"), "ties go to the first strategy entered");
            Assert.That(recommendation.Candidates, Is.EqualTo(new[] { "dear", "cheap" }));
            Assert.That(recommendation.Strategy, Is.EqualTo("cheap"));
            Assert.That(recommendation.Reasoning, Has.Some.Contains("half").And.Some.Contains("excluded"));
        });
    }

    [Test]
    public async Task ARunWhereEveryCallFailed_StillGetsAReport_WithoutARecommendation()
    {
        var broken = new TestStrategy("broken", _ => throw new HttpRequestException("connection refused"));
        var report = ExperimentReport.Create(await RunAsync(broken), new ReportOptions { PrimaryMetric = ContainsEvaluator.MetricName });

        Assert.Multiple(() =>
        {
            Assert.That(report.Recommendation, Is.Null);
            Assert.That(report.Strategies.Single().StrategyErrors, Is.EqualTo(40));
            Assert.That(report.Errors, Has.Count.EqualTo(40));
            Assert.That(report.ToMarkdown(), Does.Contain("### Errors (40)"));
            Assert.That(report.ToHtml(), Does.Contain("connection refused"));
            Assert.That(MalformedTableRows(report.ToMarkdown()), Is.Empty, "every Markdown table row has its header's number of cells");
        });
    }

    /// <summary>The rows of Markdown tables whose cell count differs from their table's header (escaped pipes are not separators).</summary>
    internal static IReadOnlyList<string> MalformedTableRows(string markdown)
    {
        var bad = new List<string>();
        int? columns = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (!line.StartsWith('|'))
            {
                columns = null;
                continue;
            }

            var cells = line.Replace("\\|", string.Empty, StringComparison.Ordinal).Count(c => c == '|');
            columns ??= cells;
            if (cells != columns || !line.TrimEnd().EndsWith('|'))
            {
                bad.Add(line);
            }
        }

        return bad;
    }

    [Test]
    public async Task APrimaryMetricTheRunDoesNotHave_IsRejected()
    {
        var run = await RunAsync(ExperimentRunnerTests.AllRight());
        var ex = Assert.Throws<ArgumentException>(() => ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = "Accuracy" }));
        Assert.That(ex!.Message, Does.Contain("'Accuracy' is not a metric of the run"));
    }

    [Test]
    public async Task Recost_RepricesALoadedReport_AndCanChangeTheRecommendation()
    {
        // Two equally good strategies: "a" on a model that is cheap now, "b" on one that becomes cheaper later.
        var a = new TestStrategy("a", r => $"answer {r.Question[9..]}") { ModelId = "cheap" };
        var b = new TestStrategy("b", r => $"answer {r.Question[9..]}") { ModelId = "dear" };
        var report = ExperimentReport.Create(await RunAsync(a, b), new ReportOptions { Resamples = 200 });
        using var temp = new TempDirectory();
        report.Save(temp.File("report.json"));

        var recosted = ExperimentReport.Load(temp.File("report.json")).Recost(new PriceTable().Set("cheap", new ModelPrice(1m, 1m, 1m)).Set("dear", new ModelPrice(0.01m, 0.01m, 0.01m)));

        Assert.Multiple(() =>
        {
            Assert.That(report.Recommendation!.Strategy, Is.EqualTo("a"));
            Assert.That(recosted.Recommendation!.Strategy, Is.EqualTo("b"));
            Assert.That(recosted.Strategies[0].Cost.Total, Is.EqualTo(40 * 110m / 1_000_000m), "40 runs × 110 tokens at 1 per million");
            Assert.That(recosted.Strategies[1].Cost.PerRun, Is.EqualTo(110m * 0.01m / 1_000_000m));
        });
    }

    [Test]
    public async Task Json_IsSchemaVersioned_AndRoundTrips()
    {
        var report = ExperimentReport.Create(await RunAsync(ExperimentRunnerTests.HalfRight()), new ReportOptions { Resamples = 500 });
        using var temp = new TempDirectory();
        report.Save(temp.File("report.json"));

        var text = File.ReadAllText(temp.File("report.json"));
        var loaded = ExperimentReport.Load(temp.File("report.json"));

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("\"schema\": \"llmstrategies.experiment-report\"").And.Contain("\"version\": 3"));
            Assert.That(loaded.Strategies.Single().Metrics.Select(m => m.Mean), Is.EqualTo(report.Strategies.Single().Metrics.Select(m => m.Mean)));
            Assert.That(loaded.Items, Has.Count.EqualTo(40));
            Assert.That(loaded.ToJson(), Is.EqualTo(report.ToJson()));
        });
    }

    [Test]
    public async Task AVersion1Report_StillLoads_WithItsNewFieldsEmpty()
    {
        var report = ExperimentReport.Create(await RunAsync(ExperimentRunnerTests.AllRight()), new ReportOptions { Resamples = 200 });
        var version1 = report.ToJson().Replace("\"version\": 3", "\"version\": 1", StringComparison.Ordinal).Replace($"\"runId\": \"{report.RunId}\",", string.Empty, StringComparison.Ordinal);

        var loaded = ExperimentReport.FromJson(version1);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Version, Is.EqualTo(1));
            Assert.That(loaded.RunId, Is.Empty);
            Assert.That(loaded.Strategies, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Load_RejectsForeignAndNewerFiles()
    {
        using var temp = new TempDirectory();
        Assert.Throws<ExperimentFileException>(() => ExperimentReport.Load(temp.Write("a.json", "{\"schema\": \"other\", \"version\": 1}")));
        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentReport.Load(temp.Write("b.json", "{\"schema\": \"llmstrategies.experiment-report\", \"version\": 4}")));
        Assert.That(ex!.Message, Does.Contain("version 4").And.Contain("versions 1 to 3"));
    }

    [Test]
    public async Task MarkdownAndHtml_ShowTheResults_AndTheHtmlIsSelfContained()
    {
        var report = ExperimentReport.Create(await RunAsync(ExperimentRunnerTests.AllRight(), ExperimentRunnerTests.HalfRight()), new ReportOptions { Resamples = 500 });
        using var temp = new TempDirectory();
        var paths = report.SaveAll(temp.Path);

        var markdown = File.ReadAllText(paths[1]);
        var html = File.ReadAllText(paths[2]);
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("| strategy | Contains Answer | SQuAD Exact Match | SQuAD F1 |"));
            Assert.That(markdown, Does.StartWith("## Experiment: experiment\n\n**Recommendation: all** — "), "the recommendation comes first");
            Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
            Assert.That(html, Does.Contain("<svg").And.Contain("Contains Answer against cost per run"));
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("src=\"http").And.Not.Contain("href=\"http"));
        });
    }

    [Test]
    public async Task WithNotes_AppendsNotesToACopy_ThatEveryFormatShows()
    {
        var report = ExperimentReport.Create(await RunAsync(ExperimentRunnerTests.AllRight()), new ReportOptions { Resamples = 500 });

        var noted = report.WithNotes(["Fine-tuning decision: NO-GO", "- quality: not significantly better"]);

        Assert.Multiple(() =>
        {
            Assert.That(report.Notes, Has.None.Contains("Fine-tuning"), "the original is unchanged");
            Assert.That(noted.Notes.TakeLast(2), Is.EqualTo(new[] { "Fine-tuning decision: NO-GO", "- quality: not significantly better" }));
            Assert.That(noted.ToMarkdown(), Does.Contain("Fine-tuning decision: NO-GO"));
            Assert.That(noted.ToHtml(), Does.Contain("Fine-tuning decision: NO-GO"));
            Assert.That(ExperimentReport.FromJson(noted.ToJson()).Notes, Is.EqualTo(noted.Notes));
            Assert.That(noted.Items, Is.SameAs(report.Items));
            Assert.That(() => report.WithNotes([" "]), Throws.ArgumentException.With.Message.Contains("empty"));
        });
    }
}
