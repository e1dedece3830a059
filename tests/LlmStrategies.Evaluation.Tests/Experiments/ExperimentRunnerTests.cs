using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Tests.Experiments;

public class ExperimentRunnerTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    internal static EvaluationDataset Questions(int count) =>
        new("questions", Enumerable.Range(0, count).Select(i => new EvaluationItem
        {
            Id = $"q{i}",
            Input = $"question {i}",
            ExpectedOutputs = [$"answer {i}"],
            RelevantDocuments = new Dictionary<string, double> { [$"d{i}"] = 1 },
        }));

    /// <summary>Answers correctly for even items only.</summary>
    internal static TestStrategy HalfRight(string name = "half") => new(name, r => int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? $"It is answer {r.Question[9..]}." : "no idea")
    {
        Sources = r => [$"d{r.Question[9..]}", "other"],
    };

    internal static TestStrategy AllRight(string name = "all") => new(name, r => $"answer {r.Question[9..]}");

    private static IEvaluator[] Evaluators => [new ContainsEvaluator(), new SquadEvaluator(), new RetrievalEvaluator(k: 2), new LatencyCostEvaluator()];

    [Test]
    public void AMisspeltClusterByField_IsAnErrorNamingItAndTheFieldsThatExist_BeforeAnyCall()
    {
        var items = new EvaluationDataset("questions", Questions(2).Items.Select(i => new EvaluationItem
        {
            Id = i.Id,
            Input = i.Input,
            ExpectedOutputs = i.ExpectedOutputs,
            Metadata = new Dictionary<string, string> { ["article"] = "a", ["title"] = "t" },
        }));
        var calls = 0;
        var strategy = new TestStrategy("s", _ => { Interlocked.Increment(ref calls); return "x"; });

        var ex = Assert.ThrowsAsync<ArgumentException>(() => new ExperimentRunner(new ExperimentOptions { ClusterBy = "artcle" }).RunAsync([new ExperimentStrategy(strategy)], items, [new ContainsEvaluator()]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("ClusterBy is 'artcle'").And.Contain("The fields are: article, title"));
            Assert.That(calls, Is.Zero, "the option is checked before any model call");
        });
    }

    [Test]
    public async Task RunsEveryStrategyOnEveryItem_AndEvaluates()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var prices = new PriceTable().Set("test-model", new ModelPrice(1m, 0.5m, 2m));
        var runner = new ExperimentRunner(new ExperimentOptions { Name = "t" }, prices, timeProvider: time);
        var half = HalfRight();
        var all = AllRight();

        var run = await runner.RunAsync([new ExperimentStrategy(half, "test-model"), new ExperimentStrategy(all, "test-model")], Questions(10), Evaluators);

        Assert.Multiple(() =>
        {
            Assert.That(half.Calls, Is.EqualTo(10));
            Assert.That(run.Records, Has.Count.EqualTo(20));
            Assert.That(run.Records.Select(r => r.StrategyName).Distinct(), Is.EqualTo(new[] { "half", "all" }), "ordered by strategy");
            Assert.That(run.ItemScores("half", ContainsEvaluator.MetricName), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (double?)(i % 2 == 0 ? 1 : 0))));
            Assert.That(run.ItemScores("all", SquadEvaluator.ExactMatchMetricName).Distinct(), Is.EqualTo(new double?[] { 1 }));
            Assert.That(run.ItemScores("half", "Recall@2").Distinct(), Is.EqualTo(new double?[] { 1 }));
            Assert.That(run.Records[0].Cost, Is.EqualTo(((100m * 1m) + (10m * 2m)) / 1_000_000m));
            Assert.That(run.StartedAt, Is.EqualTo(time.GetUtcNow()));
            Assert.That(run.Strategies[0].Fingerprint, Is.EqualTo(half.Fingerprint.Value));
            Assert.That(run.DatasetFingerprint, Is.EqualTo(Questions(10).Fingerprint));
        });
    }

    [Test]
    public async Task Repeats_AreAveragedPerItem()
    {
        var calls = 0;
        var flaky = new TestStrategy("flaky", r => Interlocked.Increment(ref calls) % 2 == 0 ? "answer 0" : "wrong");
        var run = await new ExperimentRunner(new ExperimentOptions { Repeats = 4, MaxDegreeOfParallelism = 1 }).RunAsync([new ExperimentStrategy(flaky)], Questions(1), [new ContainsEvaluator()]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Records.Select(r => r.Repeat), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            Assert.That(run.ItemScores("flaky", ContainsEvaluator.MetricName).Single(), Is.EqualTo(0.5));
        });
    }

    [Test]
    public async Task AFailingStrategy_IsRecordedAsAnError()
    {
        var broken = new TestStrategy("broken", r => r.Question.EndsWith('1') ? throw new StrategyExecutionException("broken", PipelineStage.ModelCall, new TimeoutException("slow")) : "answer 0");

        var run = await new ExperimentRunner().RunAsync([new ExperimentStrategy(broken)], Questions(2), [new ContainsEvaluator()]);

        var failed = run.Records.Single(r => r.ItemId == "q1");
        Assert.Multiple(() =>
        {
            Assert.That(failed.Error, Does.Contain("StrategyExecutionException"));
            Assert.That(failed.Response, Is.Null);
            Assert.That(failed.Metrics, Is.Empty, "a failure is not scored as 0");
            Assert.That(run.ItemScores("broken", ContainsEvaluator.MetricName), Is.EqualTo(new double?[] { 1, null }));
            Assert.That(run.Records.Single(r => r.ItemId == "q0").Error, Is.Null);
        });
    }

    [Test]
    public async Task ResponseCache_MakesRerunsFree()
    {
        var cachePath = _temp.File("cache.jsonl");
        var first = AllRight();
        using (var cache = new JsonlResponseCache(cachePath))
        {
            await new ExperimentRunner(cache: cache).RunAsync([new ExperimentStrategy(first, "m")], Questions(5), Evaluators);
        }

        var second = AllRight();
        using var reopened = new JsonlResponseCache(cachePath);
        var runner = new ExperimentRunner(cache: reopened);
        var estimate = await runner.EstimateAsync([new ExperimentStrategy(second, "m")], Questions(5), Evaluators);
        var run = await runner.RunAsync([new ExperimentStrategy(second, "m")], Questions(5), Evaluators);

        Assert.Multiple(() =>
        {
            Assert.That(first.Calls, Is.EqualTo(5));
            Assert.That(second.Calls, Is.Zero);
            Assert.That(estimate.Calls, Is.Zero);
            Assert.That(run.Records.All(r => r.FromCache), Is.True);
            Assert.That(run.ItemScores("all", ContainsEvaluator.MetricName).Distinct(), Is.EqualTo(new double?[] { 1 }));
        });
    }

    [Test]
    public async Task Checkpoint_ResumesOnlyUnfinishedItems()
    {
        var options = new ExperimentOptions { CheckpointPath = _temp.File("checkpoint.jsonl"), MaxDegreeOfParallelism = 1 };
        using var stop = new CancellationTokenSource();
        var crashing = new TestStrategy("s", r => "answer")
        {
            BeforeAnswer = async (r, _) =>
            {
                if (r.Question == "question 3")
                {
                    await stop.CancelAsync(); // "crash" while the fourth item runs
                }
            },
        };

        Assert.CatchAsync<OperationCanceledException>(() => new ExperimentRunner(options).RunAsync([new ExperimentStrategy(crashing)], Questions(6), [new ContainsEvaluator()], cancellationToken: stop.Token));

        var resumed = new TestStrategy("s", r => "answer");
        var run = await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(resumed)], Questions(6), [new ContainsEvaluator()]);

        Assert.Multiple(() =>
        {
            Assert.That(resumed.Calls, Is.EqualTo(3), "q0..q2 were checkpointed");
            Assert.That(run.Records.Select(r => r.ItemId), Is.EqualTo(new[] { "q0", "q1", "q2", "q3", "q4", "q5" }));
            Assert.That(run.Notes, Has.Some.Contains("Resumed 3 finished runs"));
        });
    }

    [Test]
    public async Task Checkpoint_TornLastLine_IsDiscardedWithANote()
    {
        var options = new ExperimentOptions { CheckpointPath = _temp.File("checkpoint.jsonl") };
        await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(AllRight())], Questions(3), [new ContainsEvaluator()]);
        var lines = File.ReadAllLines(options.CheckpointPath);
        File.WriteAllText(options.CheckpointPath, string.Join('\n', lines.Take(3)) + "\n" + lines[3][..20]); // header, 2 records, half a record

        var strategy = AllRight();
        var run = await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(strategy)], Questions(3), [new ContainsEvaluator()]);

        Assert.Multiple(() =>
        {
            Assert.That(strategy.Calls, Is.EqualTo(1));
            Assert.That(run.Records, Has.Count.EqualTo(3));
            Assert.That(run.Notes, Has.Some.Contains("cut short"));
            Assert.That(File.ReadAllLines(options.CheckpointPath), Has.Length.EqualTo(4), "the torn bytes were cut before appending");
        });
    }

    [Test]
    public async Task Checkpoint_CorruptCompleteLine_IsSkippedWithANote_AndItsRunRepeated()
    {
        var options = new ExperimentOptions { CheckpointPath = _temp.File("checkpoint.jsonl") };
        await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(AllRight())], Questions(3), [new ContainsEvaluator()]);
        var lines = File.ReadAllLines(options.CheckpointPath);
        lines[2] = "{garbage";
        File.WriteAllLines(options.CheckpointPath, lines);

        var strategy = AllRight();
        var run = await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(strategy)], Questions(3), [new ContainsEvaluator()]);

        Assert.Multiple(() =>
        {
            Assert.That(strategy.Calls, Is.EqualTo(1), "only the run on the corrupt line is repeated");
            Assert.That(run.Records, Has.Count.EqualTo(3));
            Assert.That(run.Notes, Has.Some.Contains("line 3: it is not a valid record"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Checkpoint_TwoRunnersOnOneFile_TheSecondFailsNamingIt_TheFirstFinishes()
    {
        var options = new ExperimentOptions { CheckpointPath = _temp.File("checkpoint.jsonl"), MaxDegreeOfParallelism = 1 };
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var blocking = new TestStrategy("s", r => "answer")
        {
            BeforeAnswer = async (_, _) =>
            {
                started.TrySetResult();
                await release.Task;
            },
        };
        var first = new ExperimentRunner(options).RunAsync([new ExperimentStrategy(blocking)], Questions(2), [new ContainsEvaluator()]);
        await started.Task;

        var ex = Assert.ThrowsAsync<ExperimentFileException>(() => new ExperimentRunner(options).RunAsync([new ExperimentStrategy(blocking)], Questions(2), [new ContainsEvaluator()]));
        release.SetResult();
        var run = await first;

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Path, Is.EqualTo(Path.GetFullPath(options.CheckpointPath)));
            Assert.That(ex.Message, Does.Contain("open for writing by another writer"));
            Assert.That(run.Records, Has.Count.EqualTo(2));
            Assert.That(File.ReadAllLines(options.CheckpointPath), Has.Length.EqualTo(3), "header and the first runner's two records, nothing interleaved");
        });
    }

    [Test]
    public async Task Checkpoint_OfAnotherExperiment_FailsLoudly()
    {
        var options = new ExperimentOptions { CheckpointPath = _temp.File("checkpoint.jsonl") };
        await new ExperimentRunner(options).RunAsync([new ExperimentStrategy(AllRight())], Questions(3), [new ContainsEvaluator()]);

        var ex = Assert.ThrowsAsync<ExperimentFileException>(() => new ExperimentRunner(options).RunAsync([new ExperimentStrategy(AllRight())], Questions(4), [new ContainsEvaluator()]));
        Assert.That(ex!.Message, Does.Contain("belongs to something else"));
    }

    [Test]
    public void Budget_EstimateOverBudget_RefusesBeforeAnyCall()
    {
        var prices = new PriceTable().Set("pricey", new ModelPrice(1000m, 1000m, 1000m));
        var strategy = AllRight();
        var checkpoint = _temp.File("checkpoint.jsonl");
        var runner = new ExperimentRunner(new ExperimentOptions { Budget = 0.10m, CheckpointPath = checkpoint }, prices);

        var ex = Assert.ThrowsAsync<BudgetExceededException>(() => runner.RunAsync([new ExperimentStrategy(strategy, "pricey")], Questions(10), [new ContainsEvaluator()]));

        Assert.Multiple(() =>
        {
            Assert.That(strategy.Calls, Is.Zero);
            Assert.That(ex!.Budget, Is.EqualTo(0.10m));
            // 10 calls × (3 question tokens + 500 overhead) input and 100 output tokens at 1,000 per million.
            Assert.That(ex.Cost, Is.EqualTo(((10m * 503m) + (10m * 100m)) * 1000m / 1_000_000m));
            Assert.That(ex.Message, Does.Contain("Nothing was run"));
            Assert.That(File.Exists(checkpoint), Is.False, "a refused run leaves no checkpoint behind");
        });
    }

    [Test]
    public void Budget_WithAnUnpricedModel_Refuses()
    {
        var runner = new ExperimentRunner(new ExperimentOptions { Budget = 1m });
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync([new ExperimentStrategy(AllRight(), "unknown-model")], Questions(2), [new ContainsEvaluator()]));
        Assert.That(ex!.Message, Does.Contain("cannot price 'all' (model 'unknown-model')"));
    }

    [Test]
    public void Budget_SpentOverBudget_StopsTheRun()
    {
        // The estimate (tiny overhead) fits, but each real call reports 100,000 input tokens.
        var prices = new PriceTable().Set("m", new ModelPrice(1m, 1m, 1m));
        var strategy = new TestStrategy("s", _ => "x") { InputTokens = 100_000 };
        var runner = new ExperimentRunner(new ExperimentOptions { Budget = 0.25m, EstimatedPromptOverheadTokens = 1, EstimatedOutputTokens = 1, MaxDegreeOfParallelism = 1 }, prices);

        var ex = Assert.ThrowsAsync<BudgetExceededException>(() => runner.RunAsync([new ExperimentStrategy(strategy, "m")], Questions(20), [new ContainsEvaluator()]));

        Assert.Multiple(() =>
        {
            Assert.That(strategy.Calls, Is.LessThan(20));
            Assert.That(ex!.Cost, Is.GreaterThan(0.25m));
        });
    }

    [Test]
    public async Task Progress_ReachesTheTotal()
    {
        var reports = new List<ExperimentProgress>();
        var progress = new SynchronousProgress(reports);
        await new ExperimentRunner().RunAsync([new ExperimentStrategy(AllRight()), new ExperimentStrategy(HalfRight())], Questions(5), [new ContainsEvaluator()], progress);

        Assert.Multiple(() =>
        {
            Assert.That(reports[0].Completed, Is.Zero);
            Assert.That(reports.Max(r => r.Completed), Is.EqualTo(10));
            Assert.That(reports.All(r => r.Total == 10), Is.True);
        });
    }

    [Test]
    public async Task RateLimitedRuns_StillRunEveryItem()
    {
        // Only behaviour is checked here (every call goes through the limiter and completes); pacing is Polly's and
        // System.Threading.RateLimiting's token bucket, which is not re-measured in a unit test.
        var strategy = AllRight();
        var run = await new ExperimentRunner(new ExperimentOptions { RequestsPerSecond = 1_000 }).RunAsync([new ExperimentStrategy(strategy)], Questions(12), [new ContainsEvaluator()]);
        Assert.That(strategy.Calls, Is.EqualTo(12));
        Assert.That(run.Records, Has.Count.EqualTo(12));
        Assert.That(() => new ExperimentRunner(new ExperimentOptions { RequestsPerSecond = 0 }), Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("ExperimentOptions.RequestsPerSecond"));
    }

    [Test]
    public void CallerCancellation_SurfacesAsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => new ExperimentRunner().RunAsync([new ExperimentStrategy(AllRight())], Questions(3), [], cancellationToken: cancelled.Token));
    }

    [Test]
    public void DuplicateStrategyNames_AreRejected()
    {
        Assert.ThrowsAsync<ArgumentException>(() => new ExperimentRunner().RunAsync([new ExperimentStrategy(AllRight("x")), new ExperimentStrategy(HalfRight("x"))], Questions(1), []));
    }

    [Test]
    public async Task AnUnpricedModel_HasAMissingCostNotAnError()
    {
        var run = await new ExperimentRunner().RunAsync([new ExperimentStrategy(AllRight(), "unpriced")], Questions(2), [new LatencyCostEvaluator()]);
        var cost = run.Records[0].Metrics.Single(m => m.Name == LatencyCostEvaluator.CostMetricName);
        Assert.Multiple(() =>
        {
            Assert.That(run.Records[0].Cost, Is.Null);
            Assert.That(cost.Value, Is.Null);
            Assert.That(cost.Error, Is.Null);
            Assert.That(run.Records[0].Metrics.Single(m => m.Name == LatencyCostEvaluator.LatencyMetricName).Value, Is.EqualTo(5), "the strategy's reported latency");
        });
    }

    [Test]
    public async Task ThrowingEvaluator_IsAnErrorOnItsMetrics()
    {
        var run = await new ExperimentRunner().RunAsync([new ExperimentStrategy(AllRight())], Questions(1), [new ThrowingEvaluator()]);
        var metric = run.Records.Single().Metrics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(metric.Name, Is.EqualTo("Boom"));
            Assert.That(metric.Value, Is.Null);
            Assert.That(metric.Error, Does.Contain("InvalidOperationException"));
        });
    }

    private sealed class SynchronousProgress(List<ExperimentProgress> reports) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }

    private sealed class ThrowingEvaluator : IEvaluator
    {
        public IReadOnlyCollection<string> EvaluationMetricNames => ["Boom"];

        public ValueTask<EvaluationResult> EvaluateAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null, IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("bug");
    }
}
