using System.Text.Json;
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
    public void RedactionIsTheDefault_AndNeedsARedactor()
    {
        Assert.That(() => new JsonlCallLog(Path.Combine(Path.GetTempPath(), "never.jsonl")), Throws.ArgumentException.With.Message.Contains("RedactContent"));
    }
}
