using System.Net;
using LlmStrategies.Pipeline;
using LlmStrategies.Resilience;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.Resilience;

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
            Assert.That(result.Response!.AdditionalProperties![ResilientChatClient.FallbackUsedKey], Is.EqualTo(true));
            Assert.That(withFallback.Fingerprint, Is.Not.EqualTo(without.Fingerprint));
            Assert.That(withFallback.FingerprintText, Does.Contain("fallback.model=cheap-model"));
        });
    }
}
