using LlmStrategies.Experiments;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Postgres.Monitoring;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Postgres.Tests.Monitoring;

public class PostgresCallLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task ForBacktesting_ItReadsAsTheJsonlLogLoads_WithTheSameRedaction()
    {
        await using var database = await PostgresServer.MigratedAsync();
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();
        var redaction = services.GetRequiredService<IRedactorProvider>();
        var time = new FakeTimeProvider(Start);
        var log = new PostgresCallLog(database, redactorProvider: redaction, timeProvider: time);
        var path = Path.Combine(Path.GetTempPath(), $"calls-{Guid.NewGuid():N}.jsonl");
        var results = Enumerable.Range(0, 5).Select(i => Result($"q-{i}", $"Warranty {i}? I'm bob{i}@example.com", $"Two years. Mail help{i}@shop.io", StrategyOutcome.Answered)).ToArray();
        try
        {
            await using (var jsonl = new JsonlCallLog(path, redactorProvider: redaction, timeProvider: time))
            {
                foreach (var result in results)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await jsonl.AppendAsync(result);
                    await log.AppendAsync(result);
                }
            }

            var expected = ProductionLog.Load(path);
            var actual = await log.ReadForBacktestAsync();

            Assert.That(actual.Select(Describe), Is.EqualTo(expected.Select(Describe)));
            Assert.That(actual[0].Input, Is.EqualTo("Warranty 0? I'm [email]"), "redacted as the JSONL log redacts");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Queries_SelectByTimeStrategyAndLimit_AndDriftSeesRefusals()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var time = new FakeTimeProvider(Start);
        var log = new PostgresCallLog(database, new PostgresCallLogOptions { RedactContent = false }, timeProvider: time);
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await log.AppendAsync(Result(null, $"question {i}", "answer", i == 4 ? StrategyOutcome.Refused : StrategyOutcome.Answered, strategy: i % 2 == 0 ? "rag" : "plain"));
        }

        var window = await log.ReadForBacktestAsync(new CallLogQuery { From = Start.AddMinutes(2), To = Start.AddMinutes(5) });
        var rag = await log.ReadForBacktestAsync(new CallLogQuery { Strategy = "rag" });
        var lastTwo = await log.ReadForBacktestAsync(new CallLogQuery { Limit = 2 });
        var drift = await log.ReadForDriftAsync();

        Assert.Multiple(() =>
        {
            Assert.That(window.Select(e => e.Input), Is.EqualTo(new[] { "question 1", "question 2", "question 3" }));
            Assert.That(rag.Select(e => e.Input), Is.EqualTo(new[] { "question 0", "question 2", "question 4" }));
            Assert.That(lastTwo.Select(e => e.Input), Is.EqualTo(new[] { "question 4", "question 5" }), "the most recent, oldest first");
            Assert.That(drift.Select(o => (o.Input, o.Refused)), Is.EqualTo(Enumerable.Range(0, 6).Select(i => ($"question {i}", i == 4))));
            Assert.That(window.Select(e => e.Id).Distinct().Count(), Is.EqualTo(3), "generated ids are unique");
        });
    }

    [Test]
    public async Task AReusedRequestId_FailsInsteadOfOverwriting()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var log = new PostgresCallLog(database, new PostgresCallLogOptions { RedactContent = false });
        await log.AppendAsync(Result("same", "first", "a", StrategyOutcome.Answered));

        Assert.That(async () => await log.AppendAsync(Result("same", "second", "b", StrategyOutcome.Answered)), Throws.InvalidOperationException.With.Message.Contains("unique StrategyRequest.Id"));
        Assert.That((await log.ReadForBacktestAsync()).Single().Input, Is.EqualTo("first"));
    }

    [Test]
    public void Redaction_IsOnByDefault_AndNeedsARedactor()
    {
        Assert.That(() => new PostgresCallLog(new PostgresDatabase(PostgresServer.FreshSchema())), Throws.ArgumentException.With.Message.Contains("AddLlmContentRedaction"));
    }

    private static StrategyResult Result(string? id, string question, string answer, StrategyOutcome outcome, string strategy = "rag") => new()
    {
        StrategyName = strategy,
        Fingerprint = StrategyFingerprint.Compute(strategy),
        Outcome = outcome,
        Request = new StrategyRequest(question) { Id = id },
        Answer = answer,
        ModelId = "model-a",
        Elapsed = TimeSpan.FromMilliseconds(12.3456),
        Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 3 },
        Sources = [new RetrievedChunk { ChunkId = "c1", SourceId = "doc", Text = "t" }, new RetrievedChunk { ChunkId = "c2", SourceId = "doc", Text = "u" }],
    };

    private static string Describe(ProductionLogEntry e) =>
        $"{e.Id}|{e.Input}|{e.Output}|{e.Model}|{e.LatencyMs}|{e.InputTokens}|{e.OutputTokens}|{string.Join(',', e.SourceIds)}";
}
