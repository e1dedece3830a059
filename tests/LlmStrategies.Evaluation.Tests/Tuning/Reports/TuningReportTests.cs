using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning.Reports;

public class TuningReportTests
{
    private static async Task<TuningReport> ReportAsync()
    {
        var splits = Splits();
        var space = new SearchSpace().Add("skill", 3, 9).Add("style", "plain", "<b>bold</b>");
        var strategy = Strategy(SkillModel(), space);
        var options = Options(SearchMethod.SuccessiveHalving);
        options.HalvingInitialItems = 10;
        var result = await new StrategyTuner(options, Prices()).TuneAsync(strategy, space.Point(("skill", 3), ("style", "<b>bold</b>")), TuningData.From(splits));
        return (await result.EvaluateOnTestAsync(splits.Test)).Report;
    }

    [Test]
    public async Task Json_RoundTrips_WithTheVerdictRecomputed()
    {
        var report = await ReportAsync();

        var loaded = TuningReport.FromJson(report.ToJson());

        Assert.Multiple(() =>
        {
            Assert.That(loaded.ToJson(), Is.EqualTo(report.ToJson()));
            Assert.That(loaded.Verdict, Is.EqualTo(report.Verdict));
            Assert.That(loaded.Search.Rounds, Is.EqualTo(report.Search.Rounds));
            Assert.That(report.ToJson(), Does.Contain("\"schema\": \"llmstrategies.tuning-report\""));
            Assert.That(report.ToJson(), Does.Contain("\"winnersCurse\""));
        });
    }

    [Test]
    public async Task ForeignOrFutureFiles_FailLoudly()
    {
        var json = (await ReportAsync()).ToJson();
        using var temp = new TempDirectory();

        Assert.Multiple(() =>
        {
            Assert.That(() => TuningReport.FromJson(json.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal)), Throws.InstanceOf<TuningFileException>().With.Message.Contains("version 2"));
            Assert.That(() => TuningReport.Load(temp.Write("grid.json", """{"schema": "llmstrategies.model-strategy-grid", "version": 1}""")), Throws.InstanceOf<TuningFileException>().With.Message.Contains("not a tuning report"));
            Assert.That(() => TuningReport.FromJson(json.Replace("\"chosen\"", "\"chose\"", StringComparison.Ordinal)), Throws.InstanceOf<TuningFileException>().With.Message.Contains("corrupt"));
        });
    }

    [Test]
    public async Task Markdown_AndHtml_ShowTheChoiceTheTestAndTheWinnersCurse()
    {
        var report = await ReportAsync();

        var markdown = report.ToMarkdown();
        var html = report.ToHtmlFragment();

        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("## Tuning: test tuning"));
            Assert.That(markdown, Does.Contain("| tuned − default on test |"));
            Assert.That(markdown, Does.Contain("Winner's curse"));
            Assert.That(markdown, Does.Contain("| round | items | candidates |"));
            Assert.That(html, Does.StartWith("<section class=\"llmstrategies-tuning\""));
            Assert.That(html, Does.Contain("<svg"));
            Assert.That(html, Does.Contain("style=&lt;b&gt;bold&lt;/b&gt;").And.Not.Contain("<b>bold</b>"), "texts are HTML-encoded");
            Assert.That(html, Does.Not.Contain("<style").And.Not.Contain("<script"));
            Assert.That(html.Split("<section").Length, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task SaveAll_WritesTheThreeFiles()
    {
        var report = await ReportAsync();
        using var temp = new TempDirectory();

        var paths = report.SaveAll(temp.Path);

        Assert.Multiple(() =>
        {
            Assert.That(paths.Select(Path.GetFileName), Is.EqualTo(new[] { "tuning-report.json", "tuning-report.md", "tuning-report.fragment.html" }));
            Assert.That(TuningReport.Load(paths[0]).Name, Is.EqualTo("test tuning"));
            Assert.That(Directory.GetFiles(temp.Path), Has.Length.EqualTo(3));
        });
    }
}
