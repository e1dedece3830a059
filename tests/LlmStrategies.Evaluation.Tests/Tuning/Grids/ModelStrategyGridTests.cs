using System.Globalization;
using System.Text.RegularExpressions;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning.Grids;

public partial class ModelStrategyGridTests
{
    /// <summary>A model whose skill is the strategy's plus a bonus; it charges one input token per four characters of prompt.</summary>
    private static TestChatClient Model(int bonus, string id) => new()
    {
        Metadata = new ChatClientMetadata("test", null, id),
        GetResponseAsyncCallback = (messages, _, _) =>
        {
            var skill = int.Parse(Skill().Match(string.Join("\n", messages.Select(m => m.Text))).Groups[1].ValueSpan, CultureInfo.InvariantCulture) + bonus;
            var item = ItemNumber(messages.Last(m => m.Role == ChatRole.User).Text);
            var input = messages.Sum(m => m.Text.Length) / 4;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Residue(item) < skill ? $"answer {item}" : "no idea"))
            {
                Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = 5, TotalTokenCount = input + 5 },
            });
        },
    };

    private static ModelStrategyGrid Grid() => new(
        [new GridModel("old <model>", Model(0, "old"), "old"), new GridModel("new", Model(4, "new"), "new")],
        [
            new GridStrategy("simple", b => b.Configure(o => o.Instructions = "skill=1")),
            new GridStrategy("elaborate", b => b.Configure(o => o.Instructions = "skill=5. Think step by step, quote the context, check every step twice, and only then answer the question in one sentence.")),
        ]);

    private static PriceTable Prices() => new PriceTable().Set("old", new ModelPrice(1m, 0m, 1m)).Set("new", new ModelPrice(2m, 0m, 2m));

    private static async Task<ModelStrategyGridReport> RunAsync(params ModelSwitchQuestion[] questions)
    {
        var options = new GridReportOptions { Metric = SquadEvaluator.F1MetricName, Resamples = 500 };
        foreach (var q in questions)
        {
            options.Questions.Add(q);
        }

        return await Grid().RunAsync(new ExperimentRunner(prices: Prices()), Items("test", 0, 100), [new SquadEvaluator()], options);
    }

    [Test]
    public async Task ThePivotHasQualityAndCostPerCell()
    {
        var report = await RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Cells.Select(c => (c.Strategy, c.Model)), Is.EqualTo(new[] { ("simple", "old <model>"), ("simple", "new"), ("elaborate", "old <model>"), ("elaborate", "new") }));
            Assert.That(report.Cell("simple", "old <model>")!.Score.Mean, Is.EqualTo(0.1).Within(1e-12));
            Assert.That(report.Cell("elaborate", "old <model>")!.Score.Mean, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(report.Cell("simple", "new")!.Score.Mean, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(report.Cell("elaborate", "new")!.Score.Mean, Is.EqualTo(0.9).Within(1e-12));
            var cell = report.Cell("simple", "new")!;
            Assert.That(cell.CostPerCall, Is.EqualTo((((decimal)cell.InputTokensPerCall * 2m) + (5m * 2m)) / 1_000_000m));
            Assert.That(report.Cell("elaborate", "new")!.InputTokensPerCall, Is.GreaterThan(cell.InputTokensPerCall));
            Assert.That(cell.Scores, Has.Count.EqualTo(100));
            Assert.That(report.PriceOf("new"), Is.EqualTo(new ModelPrice(2m, 0m, 2m)));
            Assert.That(report.BestStrategyPerModel().Select(c => (c.Model, c.Strategy)), Is.EqualTo(new[] { ("old <model>", "elaborate"), ("new", "elaborate") }));
        });
    }

    [Test]
    public async Task TheSwitchQuestion_IsAnsweredWithTheCheapestCellThatIsNotWorse()
    {
        var report = await RunAsync(new ModelSwitchQuestion("elaborate", "old <model>", "new"), new ModelSwitchQuestion("elaborate", "new", "old <model>"));

        var yes = report.Answers[0];
        var no = report.Answers[1];
        Assert.Multiple(() =>
        {
            Assert.That(yes.Comparisons.Select(c => (c.Strategy, c.Verdict)), Is.EqualTo(new[] { ("simple", "indistinguishable"), ("elaborate", "better") }));
            Assert.That(yes.Recommended, Is.EqualTo("simple"), "as good as the incumbent and cheaper than the elaborate strategy on the new model");
            Assert.That(yes.Answer, Does.StartWith("Yes: 'simple' on 'new' is not significantly different from 'elaborate @ old <model>'"));
            Assert.That(yes.Comparisons[0].CostRatio, Is.Not.Null);
            Assert.That(no.Recommended, Is.Null);
            Assert.That(no.Answer, Does.StartWith("No: every strategy on 'old <model>' is significantly worse"));
        });
    }

    [Test]
    public async Task TheReport_RoundTripsAndRenders()
    {
        var report = await RunAsync(new ModelSwitchQuestion("elaborate", "old <model>", "new"));

        var loaded = ModelStrategyGridReport.FromJson(report.ToJson());
        var markdown = report.ToMarkdown();
        var html = report.ToHtmlFragment();

        Assert.Multiple(() =>
        {
            Assert.That(loaded.ToJson(), Is.EqualTo(report.ToJson()));
            Assert.That(loaded.Cells[1].Scores, Is.EqualTo(report.Cells[1].Scores));
            Assert.That(loaded.Answers[0].Question, Is.EqualTo(report.Answers[0].Question));
            Assert.That(markdown, Does.Contain("| simple | 0.1000 ["));
            Assert.That(markdown, Does.Contain("### Best strategy per model"));
            Assert.That(html, Does.StartWith("<section"));
            Assert.That(html, Does.Contain("old &lt;model&gt;"));
            Assert.That(html, Does.Not.Contain("<model>"));
            Assert.That(html, Does.Not.Contain("<script"));
            Assert.That(() => ModelStrategyGridReport.FromJson(report.ToJson().Replace(ModelStrategyGridReport.SchemaName, "other", StringComparison.Ordinal)), Throws.InstanceOf<TuningFileException>());
        });
    }

    [Test]
    public void BadGrids_AndBadQuestions_AreRejected()
    {
        var model = new GridModel("m", Model(0, "m"));
        var strategy = new GridStrategy("s", _ => { });

        Assert.Multiple(() =>
        {
            Assert.That(() => new ModelStrategyGrid([model, model], [strategy]), Throws.ArgumentException.With.Message.Contains("named 'm'"));
            Assert.That(() => new ModelStrategyGrid([model], []), Throws.ArgumentException.With.Message.Contains("at least one strategy"));
            Assert.That(() => new ModelStrategyGrid([model], [strategy], include: (_, _) => false), Throws.ArgumentException.With.Message.Contains("no cell"));
            Assert.That(() => RunAsync(new ModelSwitchQuestion("nope", "new", "old <model>")), Throws.ArgumentException.With.Message.Contains("no cell 'nope @ new'"));
            Assert.That(() => RunAsync(new ModelSwitchQuestion("simple", "new", "gpt-9")), Throws.ArgumentException.With.Message.Contains("no model 'gpt-9'"));
        });
    }

    [Test]
    public async Task ExcludedCells_AreNotRun()
    {
        var grid = new ModelStrategyGrid(Grid().Models, Grid().Strategies, include: (m, s) => !(m.Name == "new" && s.Name == "elaborate"));

        var report = await grid.RunAsync(new ExperimentRunner(prices: Prices()), Items("test", 0, 20), [new SquadEvaluator()], new GridReportOptions { Metric = SquadEvaluator.F1MetricName, Resamples = 200 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Cells, Has.Count.EqualTo(3));
            Assert.That(report.Cell("elaborate", "new"), Is.Null);
            Assert.That(report.ToMarkdown(), Does.Contain("| — |"));
        });
    }

    [GeneratedRegex(@"skill=(\d+)")]
    private static partial Regex Skill();
}
