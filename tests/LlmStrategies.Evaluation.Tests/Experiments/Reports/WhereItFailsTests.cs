using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.Evaluation.Analysis;

namespace LlmStrategies.Tests.Experiments.Reports;

public class WhereItFailsTests
{
    /// <summary>The constructed RAG run (see <see cref="AnalysisFixtures.Attribution"/>), its report and its analysis.</summary>
    private static async Task<(ExperimentReport Report, DataWorkReport Analysis)> ReportAndAnalysisAsync()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var report = ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = AnalysisFixtures.Metric, Resamples = 200 });
        return (report, await DataWork.AnalyzeAsync(dataset, null, run));
    }

    [Test]
    public async Task TheSectionHoldsTheTopFindings_AndSurvivesJson()
    {
        var (report, analysis) = await ReportAndAnalysisAsync();
        var withSection = report.WithWhereItFails(analysis, topFindings: 2);
        var loaded = ExperimentReport.FromJson(withSection.ToJson());

        Assert.Multiple(() =>
        {
            Assert.That(report.WhereItFails, Is.Null, "the original report is unchanged");
            Assert.That(report.ToJson(), Does.Not.Contain("whereItFails"));
            // The three findings of this run, in order: retrieval misses (+0.4), answer not in corpus (+0.2), reading misses (+0.2).
            Assert.That(loaded.WhereItFails!.Findings.Select(f => f.Kind), Is.EqualTo(new[] { "retrieval-misses", "answer-not-in-corpus" }));
            Assert.That(loaded.WhereItFails.TotalFindings, Is.EqualTo(3));
            Assert.That(loaded.WhereItFails.Findings[0].Items, Is.EqualTo(new[] { "q2", "q4" }));
            Assert.That(loaded.WhereItFails.Failures.Overall.Mean, Is.EqualTo(0.4), "rag answers q1 and q5 of 5");
            Assert.That(loaded.WhereItFails.Items.Select(i => i.Id), Does.Contain("q2").And.Contain("q4"));
            Assert.That(loaded.ToJson(), Is.EqualTo(withSection.ToJson()));
            Assert.That(withSection.WithNotes(["a decision"]).WhereItFails, Is.SameAs(withSection.WhereItFails), "later copies keep the section");
        });
    }

    [Test]
    public async Task MarkdownShowsWhereItFails_BelowTheComparisons()
    {
        var (report, analysis) = await ReportAndAnalysisAsync();
        var md = report.WithWhereItFails(analysis, topFindings: 2).ToMarkdown();

        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("\n### Where it fails: rag on Contains Answer\n"));
            Assert.That(md, Does.Match(@"rag: 0\.400 \[[0-9.]+, [0-9.]+\] over 5 scored test items, 3 below "));
            Assert.That(md, Does.Contain("#### What to fix first").And.Contain("| 1 | Retrieval misses (rag) | improvement | 2 | 2 | +0.400 |"));
            Assert.That(md, Does.Not.Contain("| 3 | "), "only the top 2 findings");
            Assert.That(md, Does.Contain("The top 2 of 3 findings"));
            Assert.That(md, Does.Contain("#### Retrieval or reading?").And.Contain("| rag | 5 | 1 | 1 | 2 | 1 | 0 | 0 | 1 |"));
            Assert.That(md, Does.Contain("#### Items referred to").And.Contain("| `q2` | What colour is the grass? | green | It opens at nine. | 0.000 | retrieval-miss |"));
            Assert.That(md.IndexOf("### Where it fails", StringComparison.Ordinal), Is.GreaterThan(md.IndexOf("every strategy against the best", StringComparison.Ordinal)));
            Assert.That(report.ToMarkdown(), Does.Not.Contain("Where it fails"), "no section without an analysis");
        });
    }

    [Test]
    public async Task HtmlShowsWhereItFails_WithTheItemsLinked()
    {
        var (report, analysis) = await ReportAndAnalysisAsync();
        var withSection = report.WithWhereItFails(analysis);
        var html = withSection.ToHtml();
        var q2 = withSection.WhereItFails!.Items.Select(i => i.Id).ToList().IndexOf("q2");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h2>Where it fails: rag on Contains Answer</h2>"));
            Assert.That(html, Does.Contain($"<a href=\"#dw-item-{q2}\"><code>q2</code></a>"));
            Assert.That(html, Does.Contain($"<tr id=\"dw-item-{q2}\"><td><code>q2</code></td>"));
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("src=\"http").And.Not.Contain("href=\"http"), "still self-contained");
            Assert.That(report.ToHtml(), Does.Not.Contain("Where it fails"));
        });
    }

    [Test]
    public async Task AnAnalysisOfAnotherRun_IsRejected()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var analysis = await DataWork.AnalyzeAsync(dataset, null, run);
        var part = dataset.Subset("part", ["q1", "q2"]);
        var otherRun = AnalysisFixtures.Run(part, ["rag"], run.Records.Where(r => r.StrategyName == "rag" && r.ItemId is "q1" or "q2"));
        var other = ExperimentReport.Create(otherRun, new ReportOptions { PrimaryMetric = AnalysisFixtures.Metric, Resamples = 200 });

        Assert.Multiple(() =>
        {
            Assert.That(() => other.WithWhereItFails(analysis), Throws.ArgumentException.With.Message.Contains(part.Fingerprint));
            Assert.That(() => ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = AnalysisFixtures.Metric, Resamples = 200 }).WithWhereItFails(analysis, topFindings: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public async Task AVersion2Report_LoadsWithoutTheSection()
    {
        var (report, _) = await ReportAndAnalysisAsync();
        var version2 = report.ToJson().Replace("\"version\": 3", "\"version\": 2", StringComparison.Ordinal);

        var loaded = ExperimentReport.FromJson(version2);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Version, Is.EqualTo(2));
            Assert.That(loaded.WhereItFails, Is.Null);
            Assert.That(loaded.ToMarkdown(), Does.Not.Contain("Where it fails"));
        });
    }
}
