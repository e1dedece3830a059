using System.Text.Json;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Monitoring.Logging;

public class JsonlCallLogTests
{
    [Test]
    public async Task WritesOneRedactedLinePerCall_InTheProductionLogShape()
    {
        var path = Path.Combine(Path.GetTempPath(), $"calls-{Guid.NewGuid():N}.jsonl");
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var pipeline = new StrategyPipelineBuilder("rag", TestChatClient.Answering("Two years [1]. Mail a@b.io"))
            .UseRetrievalAugmentation(new FixedContextRetriever([Chunk("c1", "The warranty lasts two years.")]))
            .Build();
        try
        {
            await using (var log = new JsonlCallLog(path, redactorProvider: services.GetRequiredService<IRedactorProvider>(), timeProvider: time))
            {
                await log.AppendAsync(await pipeline.RunAsync(new StrategyRequest("Warranty? I'm bob@example.com") { Id = "q-1" }));
                await Task.WhenAll(Enumerable.Range(0, 20).Select(async i => await log.AppendAsync(await pipeline.RunAsync(new StrategyRequest($"question {i}")))));
            }

            var lines = await File.ReadAllLinesAsync(path);
            using var first = JsonDocument.Parse(lines[0]);
            var root = first.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(lines, Has.Length.EqualTo(21), "one whole line per call, none interleaved");
                Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Distinct().Count(), Is.EqualTo(21));
                Assert.That(root.GetProperty("id").GetString(), Is.EqualTo("q-1"));
                Assert.That(root.GetProperty("input").GetString(), Is.EqualTo("Warranty? I'm [email]"));
                Assert.That(root.GetProperty("output").GetString(), Is.EqualTo("Two years [1]. Mail [email]"));
                Assert.That(root.GetProperty("strategy").GetString(), Is.EqualTo("rag"));
                Assert.That(root.GetProperty("fingerprint").GetString(), Is.EqualTo(pipeline.Fingerprint.Value));
                Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("test-model-2025"));
                Assert.That(root.GetProperty("inputTokens").GetInt64(), Is.EqualTo(10));
                Assert.That(root.GetProperty("outputTokens").GetInt64(), Is.EqualTo(2));
                Assert.That(root.GetProperty("sources").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "c1" }));
                Assert.That(root.GetProperty("timestamp").GetDateTimeOffset(), Is.EqualTo(time.GetUtcNow()));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task TheLog_LoadsAsAProductionLog_AndReplaysThroughACandidate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"calls-{Guid.NewGuid():N}.jsonl");
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();
        var production = new TestStrategy("production", r => r.Question == "question 2" ? "no idea, write to help@example.com" : $"answer {r.Question[9..]}") { InputTokens = 900, OutputTokens = 12 };
        try
        {
            await using (var log = new JsonlCallLog(path, redactorProvider: services.GetRequiredService<IRedactorProvider>()))
            {
                foreach (var i in new[] { 1, 2, 3 })
                {
                    await log.AppendAsync(await production.RunAsync(new StrategyRequest($"question {i}") { Id = $"r{i}" }));
                }
            }

            var entries = ProductionLog.Load(path);
            var candidate = new TestStrategy("candidate", r => $"answer {r.Question[9..]}");
            var result = await Backtest.RunAsync(entries, new ExperimentStrategy(candidate), [new RegexEvaluator(@"^answer \d+$", "Answered")], new ExperimentRunner(), new ReportOptions { Resamples = 200 });

            Assert.Multiple(() =>
            {
                Assert.That(entries.Select(e => e.Id), Is.EqualTo(new[] { "r1", "r2", "r3" }));
                Assert.That(entries[1].Output, Is.EqualTo("no idea, write to [email]"), "what was logged, redacted");
                Assert.That(entries[0].InputTokens, Is.EqualTo(900));
                Assert.That(entries[0].Model, Is.EqualTo("test-model"));
                Assert.That(candidate.Calls, Is.EqualTo(3));
                Assert.That(result.ChangedItems, Is.EqualTo(new[] { "r2" }));
                Assert.That(result.OutputAgreement, Is.EqualTo(2.0 / 3).Within(1e-12));
                Assert.That(result.Report.Metric("production (logged)", "Answered")!.Mean, Is.EqualTo(2.0 / 3).Within(1e-12));
                Assert.That(result.Report.Metric("candidate", "Answered")!.Mean, Is.EqualTo(1.0));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void RedactionIsTheDefault_AndNeedsARedactor()
    {
        Assert.That(() => new JsonlCallLog(Path.Combine(Path.GetTempPath(), "never.jsonl")), Throws.ArgumentException.With.Message.Contains("RedactContent"));
    }
}
