using System.Net;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Pipeline;

public class StrategyPipelineFallbackTests
{
    private static TestChatClient AlwaysFailing() =>
        new() { GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("model down", null, HttpStatusCode.ServiceUnavailable) };

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
            Assert.That(result.FallbackReason, Is.EqualTo("strategy 'primary' failed in stage ModelCall: HttpRequestException: model down"));
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
