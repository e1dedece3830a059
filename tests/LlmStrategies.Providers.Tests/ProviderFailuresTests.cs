using LlmStrategies.Resilience;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Providers.Tests;

public class ProviderFailuresTests
{
    private static async Task<Exception> FailureFrom(int status, string? retryAfter)
    {
        await using var server = new LoopbackServer(_ => (status, "application/json", """{"error":{"message":"nope"}}"""), retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter });
        using var client = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI, Endpoint = new Uri(server.BaseAddress, "v1"), Model = "m", ApiKey = "k" });
        try
        {
            await client.GetResponseAsync("q");
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new AssertionException("the call was expected to fail");
    }

    [Test]
    public async Task ReadsRetryAfterSeconds_FromTheOpenAIClientsException()
    {
        var failure = await FailureFrom(429, "7");

        Assert.Multiple(() =>
        {
            Assert.That(ProviderFailures.RetryAfter(failure), Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(ProviderFailures.IsTransient(failure), Is.True);
        });
    }

    [TestCase(503, true)]
    [TestCase(500, true)]
    [TestCase(400, false)]
    [TestCase(401, false)]
    public async Task ClassifiesStatusCodes(int status, bool transient)
    {
        var failure = await FailureFrom(status, null);

        Assert.Multiple(() =>
        {
            Assert.That(ProviderFailures.IsTransient(failure), Is.EqualTo(transient));
            Assert.That(ProviderFailures.RetryAfter(failure), Is.Null);
        });
    }

    [Test]
    public async Task ResilientOpenAIClient_RetriesA503_ThenSucceeds()
    {
        var calls = 0;
        await using var server = new LoopbackServer(_ => Interlocked.Increment(ref calls) == 1
            ? (503, "application/json", """{"error":{"message":"overloaded"}}""")
            : (200, "application/json", """{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"recovered"},"finish_reason":"stop"}]}"""));
        using var client = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI, Endpoint = new Uri(server.BaseAddress, "v1"), Model = "m", ApiKey = "k" })
            .AsBuilder()
            .UseResilience(o => { o.UseProviderFailures(); o.RetryBaseDelay = TimeSpan.FromMilliseconds(1); })
            .Build();

        var response = await client.GetResponseAsync("q");

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("recovered"));
            Assert.That(calls, Is.GreaterThanOrEqualTo(2));
        });
    }
}
