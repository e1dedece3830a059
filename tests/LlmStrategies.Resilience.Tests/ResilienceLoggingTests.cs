using System.Net;
using LlmStrategies.Resilience;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmStrategies.Tests.Resilience;

public class ResilienceLoggingTests
{
    [Test]
    public async Task EachRetry_IsOneLineWithTheErrorsMessage_NotAStackTrace()
    {
        var calls = 0;
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Interlocked.Increment(ref calls) <= 2
                ? throw new HttpRequestException("busy\n   at Deep.Inside()", null, HttpStatusCode.ServiceUnavailable)
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
        var collector = new FakeLogCollector();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        services.AddChatClient(inner).UseResilience(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(5);
            o.CircuitBreakerFailureRatio = null;
        });
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("q");

        var retries = collector.GetSnapshot().Where(r => r.Message.Contains("OnRetry", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("ok"));
            Assert.That(retries, Has.Length.EqualTo(2), "one line per retry");
            Assert.That(retries.Select(r => r.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(retries[0].Message, Does.EndWith(": HttpRequestException: busy"), "the exception's type and first line of its message");
            Assert.That(collector.GetSnapshot().Select(r => r.Exception), Is.All.Null, "no stack trace per retry");
            Assert.That(collector.GetSnapshot().Select(r => r.Category), Is.All.EqualTo("LlmStrategies.Resilience"), "Polly's own logger is not used");
        });
    }
}
