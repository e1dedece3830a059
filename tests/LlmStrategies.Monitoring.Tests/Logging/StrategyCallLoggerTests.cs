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
    public void AFailure_IsLoggedOnce_AsTypeAndMessage()
    {
        var logger = new FakeLogger();
        var failure = new InvalidOperationException("model down");

        new StrategyCallLogger(logger).LogFailure("support", "r-9", failure);

        var record = logger.Collector.GetSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(record.Message, Is.EqualTo("Strategy support request r-9 failed: System.InvalidOperationException: model down"));
            Assert.That(record.Exception, Is.Null, "no exception object, so no stack trace");
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
            Assert.That(record.StructuredState!.Single(p => p.Key == "ErrorType").Value, Is.EqualTo("System.IO.IOException"));
            Assert.That(record.StructuredState!.Single(p => p.Key == "Error").Value, Is.EqualTo("disk"));
            Assert.That(record.Exception, Is.Null, "the exception object (its text, inner exceptions, stack) is never logged");
        });
    }

    private const string Leaky = "could not answer 'my mail is bob@example.com' for user jane@example.com with key sk-abcdefghijklmnopqrstuvwx";

    [Test]
    public void AFailureQuotingThePrompt_IsLoggedWithoutItsSecrets_WithoutARedactor()
    {
        var logger = new FakeLogger();

        new StrategyCallLogger(logger).LogFailure("support", "r-2", new StrategyExecutionException("support", PipelineStage.Retrieval, new InvalidOperationException(Leaky)));

        var message = logger.Collector.GetSnapshot().Single().Message;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Not.Contain("bob@").And.Not.Contain("jane@").And.Not.Contain("sk-abc").And.Not.Contain("my mail is"));
            Assert.That(message, Does.Contain("Retrieval").And.Contain("System.InvalidOperationException").And.Contain("could not answer [quoted text removed]"));
        });
    }

    [Test]
    public void AFailureQuotingThePrompt_GoesThroughTheContentRedactor_WhenThereIsOne()
    {
        using var services = new ServiceCollection().AddRedaction(b => b.SetRedactor<ErasingRedactor>(new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(LlmDataClassifications.PromptContent))).BuildServiceProvider();
        var logger = new FakeLogger();

        new StrategyCallLogger(logger, redactorProvider: services.GetRequiredService<IRedactorProvider>()).LogFailure("support", null, new InvalidOperationException(Leaky));

        var record = logger.Collector.GetSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.StructuredState!.Single(p => p.Key == "Error").Value, Is.Empty, "the erasing redactor removed the whole message");
            Assert.That(record.Message, Does.Not.Contain("example.com").And.Not.Contain("sk-abc"));
        });
    }

    [Test]
    public async Task AFallbackReasonQuotingThePrompt_IsLoggedWithoutItsSecrets()
    {
        var logger = new FakeLogger();
        var failing = new StrategyPipelineBuilder("primary", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new InvalidOperationException(Leaky) })
            .WithFallbackStrategy(new TestStrategy("backup", _ => "fine"))
            .Build();

        var result = await failing.RunAsync(new StrategyRequest("my mail is bob@example.com"));
        new StrategyCallLogger(logger).Log(result);

        Assert.Multiple(() =>
        {
            Assert.That(result.FallbackReason, Does.Contain("ModelCall").And.Not.Contain("example.com").And.Not.Contain("sk-abc"));
            Assert.That(logger.Collector.GetSnapshot().Single().Message, Does.Not.Contain("example.com").And.Not.Contain("sk-abc"));
        });
    }
}
