using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.FineTuning;

public class MeasuredStrategyTests
{
    private static readonly ModelPrice Base = new(0.15m, 0.075m, 0.60m);
    private static readonly ModelPrice Tuned = new(0.30m, 0.15m, 1.20m);

    private static EvaluationDataset Questions(int count) =>
        new("questions", Enumerable.Range(0, count).Select(i => new EvaluationItem
        {
            Id = $"q{i}",
            Input = $"question {i}",
            ExpectedOutputs = [$"answer {i}"],
        }));

    private static async Task<(ExperimentRun Run, ExperimentReport Report)> RunAsync(params TestStrategy[] strategies)
    {
        var prices = new PriceTable().Set("base", Base).Set("tuned", Tuned);
        var run = await new ExperimentRunner(prices: prices).RunAsync(
            strategies.Select(s => new ExperimentStrategy(s, s.ModelId)).ToArray(),
            Questions(30),
            [new ContainsEvaluator(), new SquadEvaluator()]);
        return (run, ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = ContainsEvaluator.MetricName, Resamples = 1_000 }));
    }

    [Test]
    public async Task FromReport_TakesPerItemScoresInItemOrder_MeanTokens_AndTheModelsPrice()
    {
        var (run, report) = await RunAsync(
            new TestStrategy("rag", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? "no idea" : $"answer {r.Question[9..]}") { ModelId = "base", InputTokens = 1_200, OutputTokens = 60 },
            new TestStrategy("ft", r => $"answer {r.Question[9..]}") { ModelId = "tuned", InputTokens = 150, OutputTokens = 40 });

        var measured = MeasuredStrategy.FromReport(report, "rag");
        var f1 = MeasuredStrategy.FromReport(report, "ft", SquadEvaluator.F1MetricName);

        Assert.Multiple(() =>
        {
            Assert.That(measured.Name, Is.EqualTo("rag"));
            Assert.That(measured.Scores, Is.EqualTo(run.ItemScores("rag", ContainsEvaluator.MetricName).Select(s => s!.Value)), "the primary metric, in the run's item order");
            Assert.That(measured.Scores.Count(s => s == 0), Is.EqualTo(10));
            Assert.That(measured.TokensPerCall, Is.EqualTo(new TokensPerCall(1_200, 60)));
            Assert.That(measured.Prices, Is.EqualTo(Base));
            Assert.That(f1.Scores, Is.EqualTo(run.ItemScores("ft", SquadEvaluator.F1MetricName).Select(s => s!.Value)));
            Assert.That(f1.Prices, Is.EqualTo(Tuned));
        });
    }

    [Test]
    public async Task FromReport_FeedsTheAdvisor_WithPairedItems()
    {
        var (_, report) = await RunAsync(
            new TestStrategy("rag", r => $"answer {r.Question[9..]}") { ModelId = "base", InputTokens = 1_200, OutputTokens = 60 },
            new TestStrategy("ft", r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? $"answer {r.Question[9..]}" : "no idea") { ModelId = "tuned", InputTokens = 150, OutputTokens = 40 });

        var decision = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            FineTuned = MeasuredStrategy.FromReport(report, "ft"),
            Baseline = MeasuredStrategy.FromReport(report, "rag"),
            TrainingCost = 25m,
            ExpectedCallsPerMonth = 1_000_000,
            Resamples = 2_000,
        });

        Assert.Multiple(() =>
        {
            Assert.That(decision.ItemCount, Is.EqualTo(30));
            Assert.That(decision.Quality, Is.EqualTo(QualityVerdict.Worse), "half the answers lost");
            Assert.That(decision.Go, Is.False);
            Assert.That(decision.BaselineCostPerCall, Is.EqualTo(((1_200 * 0.15m) + (60 * 0.60m)) / 1_000_000m));
        });
    }

    [Test]
    public async Task FromReport_FailsClearly_OnAnUnknownStrategyOrMetric_AnUnscoredItem_OrAnUnpricedModel()
    {
        var (_, report) = await RunAsync(
            new TestStrategy("rag", r => r.Question == "question 7" ? throw new HttpRequestException("timeout") : $"answer {r.Question[9..]}") { ModelId = "base" },
            new TestStrategy("unpriced", r => $"answer {r.Question[9..]}") { ModelId = "mystery-model" });

        Assert.Multiple(() =>
        {
            Assert.That(() => MeasuredStrategy.FromReport(report, "nope"), Throws.ArgumentException.With.Message.Contains("no strategy 'nope'").And.Message.Contains("rag, unpriced"));
            Assert.That(() => MeasuredStrategy.FromReport(report, "unpriced", "BLEU"), Throws.ArgumentException.With.Message.Contains("no metric 'BLEU'"));
            Assert.That(() => MeasuredStrategy.FromReport(report, "rag"), Throws.ArgumentException.With.Message.Contains("Item 'q7' of 'rag' has no"));
            Assert.That(() => MeasuredStrategy.FromReport(report, "unpriced"), Throws.ArgumentException.With.Message.Contains("'mystery-model', which has no price"));
        });
    }
}
