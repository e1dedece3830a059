using System.Net;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Pipeline;

public class StrategyPipelineResilienceTests
{
    private static TestChatClient AlwaysFailing() =>
        new() { GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("model down", null, HttpStatusCode.ServiceUnavailable) };

    [Test]
    public async Task UseResilience_RetriesTheModelInsideThePipeline()
    {
        var calls = 0;
        var model = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => ++calls < 3
                ? throw new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests)
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
        var pipeline = new StrategyPipelineBuilder("p", model).UseResilience(o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(1)).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Answer, Is.EqualTo("ok"));
            Assert.That(calls, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task FallbackModel_AnswersWhenTheModelFailsForGood_AndChangesTheFingerprint()
    {
        var cheap = TestChatClient.Answering("cheap answer");
        cheap.Metadata = new ChatClientMetadata("test", null, "cheap-model");
        var withFallback = new StrategyPipelineBuilder("p", AlwaysFailing()).UseResilience(o => { o.MaxRetryAttempts = 1; o.RetryBaseDelay = TimeSpan.FromMilliseconds(1); }, cheap).Build();
        var without = new StrategyPipelineBuilder("p", AlwaysFailing()).Build();

        var result = await withFallback.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Answer, Is.EqualTo("cheap answer"));
            Assert.That(result.Response!.AdditionalProperties![LlmStrategies.Resilience.ResilientChatClient.FallbackUsedKey], Is.EqualTo(true));
            Assert.That(withFallback.Fingerprint, Is.Not.EqualTo(without.Fingerprint));
            Assert.That(withFallback.FingerprintText, Does.Contain("fallback.model=cheap-model"));
        });
    }

    [Test]
    public async Task FallbackStrategy_AnswersWhenAStageFails_AndSaysWhy()
    {
        var ragOnly = new StrategyPipelineBuilder("rag-only", new LlmStrategies.Baseline.ExtractiveBaselineChatClient())
            .UseRetrievalAugmentation(new FixedContextRetriever([Chunk("1", "The warranty lasts two years.")]))
            .Build();
        var primary = new StrategyPipelineBuilder("primary", AlwaysFailing()).WithFallbackStrategy(ragOnly).Build();

        var result = await primary.RunAsync(new StrategyRequest("How long is the warranty?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.StrategyName, Is.EqualTo("rag-only"));
            Assert.That(result.Answer, Is.EqualTo("The warranty lasts two years. [1]"));
            Assert.That(result.FallbackReason, Is.EqualTo("strategy 'primary' failed in stage ModelCall: model down"));
        });
    }

    [Test]
    public void FallbackStrategy_IsNotUsedWhenTheCallerCancels()
    {
        using var cts = new CancellationTokenSource();
        var model = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await cts.CancelAsync(); await Task.Delay(Timeout.Infinite, token); return null!; } };
        var fallback = new StrategyPipelineBuilder("fallback", TestChatClient.Answering("x")).Build();
        var primary = new StrategyPipelineBuilder("primary", model).WithFallbackStrategy(fallback).Build();

        Assert.That(() => primary.RunAsync(new StrategyRequest("q"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
