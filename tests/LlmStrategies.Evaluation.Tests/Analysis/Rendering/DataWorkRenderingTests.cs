using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class DataWorkRenderingTests
{
    [Test]
    public async Task RanksWhatToFixFirstByPotentialGain()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var findings = (await DataWork.AnalyzeAsync(dataset, null, run)).Findings;
        Assert.Multiple(() =>
        {
            // Retrieval misses q2, q4: (1 + 1) / 5 = 0.4; answer not in corpus q4: 1 / 5; reading miss q3: 1 / 5 (ties by title).
            Assert.That(findings.Select(f => (f.Rank, f.Kind, f.PotentialGain)), Is.EqualTo(new[] { (1, "retrieval-misses", 0.4), (2, "answer-not-in-corpus", 0.2), (3, "reading-misses", 0.2) }));
            Assert.That(findings[0].Items, Is.EqualTo(new[] { "q2", "q4" }));
            Assert.That(findings[0].Evidence, Does.Contain("2 of 5 items").And.Contain("1 of them have an answer that is in no document"));
            Assert.That(findings.Select(f => f.Severity), Has.All.EqualTo("improvement"));
        });
    }

    [Test]
    public async Task ABlockerComesBeforeAnyGain()
    {
        var (dataset, splits) = DatasetProfilerTests.Constructed();
        var test = splits.Test;
        var records = test.Items.Select(i => AnalysisFixtures.Record("s", i, "no", [], 0));
        var embeddings = new LlmStrategies.Tests.TestDoubles.TestEmbeddingGenerator(new Dictionary<string, float[]>
        {
            ["How long is the warranty?"] = [1, 0, 0, 0],
            ["How long does shipping take?"] = [0, 1, 0, 0],
            ["Can I return an item?"] = [0, 0, 1, 0],
            ["What is the return window?"] = [0, 0, 0.95f, 0.31224990f],
            ["Что такое гарантия?"] = [0, 0, 0, 1],
        });
        var report = await DataWork.AnalyzeAsync(dataset, splits, AnalysisFixtures.Run(test, ["s"], records), new DataWorkOptions { MinClusterSize = 50 }, embeddings);
        Assert.Multiple(() =>
        {
            Assert.That(report.Findings[0].Kind, Is.EqualTo("split-leakage"));
            Assert.That(report.Findings[0].Severity, Is.EqualTo("blocker"));
            Assert.That(report.Findings[0].Items, Is.EquivalentTo(new[] { "a2", "a4" }));
            Assert.That(report.Findings[1].Kind, Is.EqualTo("dangling-gold-passage"));
            Assert.That(report.Findings[^1].Kind, Is.EqualTo("possible-split-leakage"), "a near-duplicate is a candidate to read, ranked last");
            Assert.That(report.Findings[^1].Items, Is.EqualTo(new[] { "a5" }));
        });
    }

    [Test]
    public async Task MarkdownHasTheSectionsAndTheItems()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var md = DataWorkMarkdown.Render(await DataWork.AnalyzeAsync(dataset, null, run));
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("## Where it fails: rag on Contains Answer"));
            Assert.That(md, Does.Contain("### What to fix first").And.Contain("| 1 | Retrieval misses (rag) | improvement | 2 | 2 | +0.400 |"));
            Assert.That(md, Does.Contain("### Retrieval or reading?").And.Contain("| rag | 5 | 1 | 1 | 2 | 1 | 0 | 0 | 1 |"));
            Assert.That(md, Does.Contain("| prompt-only → rag | 5 | 1 | 0 |"));
            Assert.That(md, Does.Contain("## Dataset profile: constructed-rag"));
            Assert.That(md, Does.Contain("| `q2` | What colour is the grass? | green | It opens at nine. | 0.000 | retrieval-miss |"));
        });
    }

    [Test]
    public async Task HtmlIsEncodedSelfContainedAndLinksItems()
    {
        var items = new[]
        {
            AnalysisFixtures.Item("x1", "<script>alert(1)</script> what?", "a & b", "d1"),
            AnalysisFixtures.Item("x2", "Plain question?", "yes", "d1"),
        };
        var dataset = new EvaluationDataset("html", items, [AnalysisFixtures.Document("d1", "a & b, yes")]);
        var run = AnalysisFixtures.Run(dataset, ["rag"], [AnalysisFixtures.Record("rag", items[0], "<b>no</b>", ["d2"], 0), AnalysisFixtures.Record("rag", items[1], "yes", ["d1"], 1)]);
        var report = await DataWork.AnalyzeAsync(dataset, null, run);
        var section = DataWorkHtml.RenderSection(report);
        var page = DataWorkHtml.RenderPage(report);
        var index = report.ItemDetails.Select(d => d.Id).ToList().IndexOf("x1");
        Assert.Multiple(() =>
        {
            Assert.That(section, Does.StartWith("<section class=\"dw\""));
            Assert.That(section, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"));
            Assert.That(section, Does.Not.Contain("<script"));
            Assert.That(section, Does.Contain("&lt;b&gt;no&lt;/b&gt;"));
            Assert.That(index, Is.GreaterThanOrEqualTo(0));
            Assert.That(section, Does.Contain($"href=\"#dw-item-{index}\"").And.Contain($"id=\"dw-item-{index}\""));
            Assert.That(section.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), Does.Not.Contain("http"));
            Assert.That(page, Does.StartWith("<!DOCTYPE html>").And.Contain(section));
        });
    }

    [Test]
    public async Task ConsoleSummaryShowsTheTopThree()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var text = DataWorkConsole.Summary(await DataWork.AnalyzeAsync(dataset, null, run));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("Where it fails: rag scores Contains Answer 0.400 [0.000, 0.800] on 5 test items; 3 below 0.5."));
            Assert.That(lines[2], Does.StartWith("  1. Retrieval misses (rag) — 2 items (2 wrong); up to +0.400 on Contains Answer."));
            Assert.That(lines.Count(l => l.StartsWith("     Fix: ", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task ReportJsonRoundTripsAndRefusesOtherSchemas()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var report = await DataWork.AnalyzeAsync(dataset, null, run);
        var json = report.ToJson();
        Assert.Multiple(() =>
        {
            Assert.That(DataWorkReport.FromJson(json).ToJson(), Is.EqualTo(json));
            Assert.That(json, Does.StartWith("{\n  \"schema\": \"llmstrategies.data-work\",\n  \"version\": 1,"));
            Assert.That(() => DataWorkReport.FromJson(report.Failures.ToJson()), Throws.InstanceOf<ExperimentFileException>().With.Message.Contains("llmstrategies.failure-analysis"));
            Assert.That(() => DataWorkReport.FromJson("not json"), Throws.InstanceOf<ExperimentFileException>());
        });
    }
}
