using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Pipeline;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmStrategies.Tests.Monitoring.Logging;

public class StrategyCallLoggerTests
{
    private static async Task<StrategyResult> Run(string question) =>
        await new StrategyPipelineBuilder("support", TestChatClient.Answering("Reply to jane@example.com")).Build().RunAsync(new StrategyRequest(question) { Id = "r-1" });

    [Test]
    public async Task LogsUsageLatencyAndOutcome_WithoutContentByDefault()
    {
        var logger = new FakeLogger();
        var callLogger = new StrategyCallLogger(logger);

        callLogger.Log(await Run("my e-mail is bob@example.com"));

        var record = logger.Collector.GetSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.Level, Is.EqualTo(LogLevel.Information));
            Assert.That(record.StructuredState!.Single(p => p.Key == "Strategy").Value, Is.EqualTo("support"));
            Assert.That(record.StructuredState!.Single(p => p.Key == "Outcome").Value, Is.EqualTo("Answered"));
            Assert.That(record.StructuredState!.Single(p => p.Key == "InputTokens").Value, Is.EqualTo("10"));
            Assert.That(record.StructuredState!.Single(p => p.Key == "RequestId").Value, Is.EqualTo("r-1"));
            Assert.That(record.Message, Does.Not.Contain("bob@example.com").And.Not.Contain("jane@example.com"));
        });
    }

    [Test]
    public async Task IncludedContent_IsRedacted()
    {
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();
        var logger = new FakeLogger();
        var callLogger = new StrategyCallLogger(logger, new CallLoggingOptions { IncludeContent = true }, services.GetRequiredService<IRedactorProvider>());

        callLogger.Log(await Run("my e-mail is bob@example.com and my key sk-abcdefghijklmnopqrstuvwx"));

        var content = logger.Collector.GetSnapshot().Single(r => r.Id.Id == 2);
        Assert.Multiple(() =>
        {
            Assert.That(content.Message, Does.Contain("my e-mail is [email] and my key [secret]").And.Contain("Reply to [email]"));
            Assert.That(logger.Collector.GetSnapshot().Select(r => r.Message), Has.None.Contains("@example.com"));
        });
    }

    [Test]
    public async Task MissingValues_LeaveNoEmptyPlaceholders()
    {
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();
        var logger = new FakeLogger();
        var callLogger = new StrategyCallLogger(logger, new CallLoggingOptions { IncludeContent = true }, services.GetRequiredService<IRedactorProvider>());
        var model = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "fine"))
            {
                ModelId = "m1",
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
            }),
        };
        var result = await new StrategyPipelineBuilder("support", model).Build().RunAsync(new StrategyRequest("how?"));

        callLogger.Log(result);

        var call = logger.Collector.GetSnapshot()[0];
        var content = logger.Collector.GetSnapshot()[1];
        Assert.Multiple(() =>
        {
            Assert.That(result.Request.Id, Is.Null, "precondition: no request id");
            Assert.That(result.Usage.CachedInputTokenCount, Is.Null, "precondition: no cached-token count");
            Assert.That(call.Message, Does.Match(@"^Strategy support \([0-9a-f]+\): Answered, model m1, tokens in 10 out 2, [\d.]+ ms$"));
            Assert.That(call.StructuredState!.Select(p => p.Key), Has.None.EqualTo("RequestId").And.None.EqualTo("CachedInputTokens").And.None.EqualTo("FallbackReason"));
            Assert.That(call.StructuredState!.Single(p => p.Key == "{OriginalFormat}").Value, Does.StartWith("Strategy {Strategy} ({Fingerprint}): {Outcome}, model {Model}"));
            Assert.That(content.Message, Is.EqualTo("Strategy support content (redacted): question how?; answer fine"));
        });
    }

    [Test]
    public void AFailure_IsLoggedOnceWithItsException()
    {
        var logger = new FakeLogger();
        var failure = new InvalidOperationException("model down");

        new StrategyCallLogger(logger).LogFailure("support", "r-9", failure);

        var record = logger.Collector.GetSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(record.Message, Is.EqualTo("Strategy support request r-9 failed: System.InvalidOperationException"));
            Assert.That(record.Exception, Is.SameAs(failure));
        });
    }

    [Test]
    public void ContentWithoutARedactor_IsRefused()
    {
        Assert.That(() => new StrategyCallLogger(new FakeLogger(), new CallLoggingOptions { IncludeContent = true }),
            Throws.ArgumentException.With.Message.Contains("AddLlmContentRedaction"));
    }

    [Test]
    public void Failures_AreLoggedWithTheStage()
    {
        var logger = new FakeLogger();

        new StrategyCallLogger(logger).LogFailure("support", "r-2", new StrategyExecutionException("support", PipelineStage.Retrieval, new IOException("disk")));

        var record = logger.Collector.GetSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(record.StructuredState!.Single(p => p.Key == "Stage").Value, Is.EqualTo("Retrieval"));
            Assert.That(record.Exception, Is.TypeOf<StrategyExecutionException>());
        });
    }
}
