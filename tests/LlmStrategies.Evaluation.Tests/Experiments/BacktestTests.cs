using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments;

public class BacktestTests
{
    [Test]
    public async Task ReplaysTheLogThroughACandidate_AndComparesOutputsAndMetrics()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("production.jsonl", """
            {"id": "r1", "input": "question 1", "output": "answer 1", "model": "prod-model", "latencyMs": 420, "inputTokens": 800, "outputTokens": 20, "expected": "answer 1", "metrics": {"thumbsUp": 1}}
            {"id": "r2", "input": "question 2", "output": "no idea", "latencyMs": 380, "expected": ["answer 2"], "metrics": {"thumbsUp": false}}
            {"id": "r3", "input": "question 3", "output": "answer 3", "expected": "answer 3", "metrics": {"thumbsUp": true}}
            """);
        var log = ProductionLog.Load(path);
        var candidate = new TestStrategy("candidate", r => r.Question == "question 3" ? "something else" : $"answer {r.Question[9..]}");

        var result = await Backtest.RunAsync(log, new ExperimentStrategy(candidate), [new ContainsEvaluator()], new ExperimentRunner(), new ReportOptions { Resamples = 200 });

        Assert.Multiple(() =>
        {
            Assert.That(candidate.Calls, Is.EqualTo(3));
            Assert.That(result.OutputAgreement, Is.EqualTo(1.0 / 3).Within(1e-12), "only r1 unchanged");
            Assert.That(result.ChangedItems, Is.EqualTo(new[] { "r2", "r3" }));
            Assert.That(result.LoggedMetricMeans["thumbsUp"], Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(result.Report.Metric("production (logged)", ContainsEvaluator.MetricName)!.Mean, Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(result.Report.Metric("candidate", ContainsEvaluator.MetricName)!.Mean, Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(result.Run.Records.First(r => r.ItemId == "r1").Response!.LatencyMs, Is.EqualTo(420), "logged latency is kept");
        });
    }

    [Test]
    public void MalformedLogLines_AreReportedWithLineAndField()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("bad.jsonl", "{\"id\": \"a\", \"input\": \"q\", \"output\": \"x\"}\n{\"id\": \"b\", \"input\": \"q\"}\n{\"id\": \"a\", \"input\": \"q\", \"output\": \"y\", \"latencyMs\": \"slow\"}\n");

        var ex = Assert.Throws<DatasetFormatException>(() => ProductionLog.Load(path));

        Assert.That(ex!.Errors.Select(e => (e.Line, e.Field)), Is.EqualTo(new (int, string?)[] { (2, "output"), (3, "latencyMs") }));
    }
}
