using LlmStrategies.Monitoring;
using LlmStrategies.Monitoring.OnlineEvaluation;
using LlmStrategies.Pipeline;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LlmStrategies.Tests.Monitoring.OnlineEvaluation;

[NonParallelizable]
public class OnlineEvaluatorTests
{
    /// <summary>Scores the answer length; can be made to wait or to throw.</summary>
    private sealed class LengthEvaluator : IEvaluator
    {
        public TaskCompletionSource? Gate { get; init; }

        public bool Throw { get; init; }

        public IReadOnlyCollection<string> EvaluationMetricNames => ["answer_length"];

        public async ValueTask<EvaluationResult> EvaluateAsync(IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null, IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
        {
            if (Gate is not null)
            {
                await Gate.Task;
            }

            return Throw ? throw new InvalidOperationException("judge unavailable") : new EvaluationResult(new NumericMetric("answer_length", modelResponse.Text.Length));
        }
    }

    private static async Task<StrategyResult> Result(string answer = "abcd") =>
        await new StrategyPipelineBuilder("s", TestChatClient.Answering(answer)).Build().RunAsync(new StrategyRequest("q"));

    [Test]
    public async Task EvaluatesSampledCallsInTheBackground_AndRecordsTheirScores()
    {
        using var scores = new MetricCollector<double>(null, StrategyTelemetry.Name, "llmstrategies.online_evaluation.score");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var evaluator = new OnlineEvaluator(new OnlineEvaluationOptions { Evaluators = [new LengthEvaluator { Gate = gate }], SampleRate = 1 });
        var completed = 0;
        evaluator.Evaluated += (_, _) => Interlocked.Increment(ref completed);

        var queued = evaluator.TryEnqueue(await Result());
        var evaluatedBeforeTheGateOpened = Volatile.Read(ref completed);
        gate.SetResult();
        await evaluator.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(queued, Is.True);
            Assert.That(evaluatedBeforeTheGateOpened, Is.Zero, "enqueueing does not wait for the evaluator");
            Assert.That(completed, Is.EqualTo(1));
            Assert.That(scores.LastMeasurement!.Value, Is.EqualTo(4));
            Assert.That(scores.LastMeasurement.Tags["llmstrategies.metric"], Is.EqualTo("answer_length"));
        });
    }

    [Test]
    public async Task SamplesTheConfiguredShare_Reproducibly()
    {
        async Task<int> CountSampled(int seed)
        {
            await using var evaluator = new OnlineEvaluator(new OnlineEvaluationOptions { Evaluators = [new LengthEvaluator()], SampleRate = 0.2, Seed = seed });
            var result = await Result();
            return Enumerable.Range(0, 2_000).Count(_ => evaluator.TryEnqueue(result));
        }

        var first = await CountSampled(5);
        var again = await CountSampled(5);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(again));
            Assert.That(first, Is.InRange(330, 470), "20% of 2,000 is 400, standard deviation 18");
        });
    }

    [Test]
    public async Task AFailingEvaluator_IsCountedAsAnError_NotSilentlyScoredZero()
    {
        using var errors = new MetricCollector<long>(null, StrategyTelemetry.Name, "llmstrategies.online_evaluation.errors");
        using var scores = new MetricCollector<double>(null, StrategyTelemetry.Name, "llmstrategies.online_evaluation.score");
        var evaluator = new OnlineEvaluator(new OnlineEvaluationOptions { Evaluators = [new LengthEvaluator { Throw = true }], SampleRate = 1 });
        OnlineEvaluationCompleted? seen = null;
        evaluator.Evaluated += (_, e) => seen = e;

        evaluator.TryEnqueue(await Result());
        await evaluator.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(errors.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
            Assert.That(scores.GetMeasurementSnapshot(), Is.Empty);
            Assert.That(seen!.Error!.Message, Is.EqualTo("judge unavailable"));
        });
    }

    [Test]
    public async Task MonitoredStrategy_LogsFeedsDriftAndSamples_WithoutChangingAnswers()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();
        using var drift = new LlmStrategies.Monitoring.Drift.DriftMonitor(new LlmStrategies.Monitoring.Drift.DriftMonitorOptions { ReferenceSize = 2, CompareEvery = 0, MinimumLiveCount = 2 });
        var evaluator = new OnlineEvaluator(new OnlineEvaluationOptions { Evaluators = [new LengthEvaluator()], SampleRate = 1 });
        var evaluated = 0;
        evaluator.Evaluated += (_, _) => Interlocked.Increment(ref evaluated);
        var inner = new StrategyPipelineBuilder("s", TestChatClient.Answering("fine")).Build();
        await using var monitored = new MonitoredStrategy(inner, new MonitoredStrategyOptions { Logger = new LlmStrategies.Monitoring.Logging.StrategyCallLogger(logger), Drift = drift, OnlineEvaluation = evaluator });

        var results = new List<StrategyResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await monitored.RunAsync(new StrategyRequest($"question {i}")));
        }

        await evaluator.DisposeAsync();
        var report = drift.Compare();

        Assert.Multiple(() =>
        {
            Assert.That(monitored.Fingerprint, Is.EqualTo(inner.Fingerprint));
            Assert.That(results.Select(r => r.Answer), Has.All.EqualTo("fine"));
            Assert.That(logger.Collector.Count, Is.EqualTo(5));
            Assert.That(evaluated, Is.EqualTo(5));
            Assert.That(report.ReferenceCount, Is.EqualTo(2));
            Assert.That(report.LiveCount, Is.EqualTo(3));
        });
    }
}
