using Microsoft.Extensions.Options;
using System.Net;
using LlmStrategies.Resilience;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LlmStrategies.Tests.Resilience;

public class ResilientChatClientTests
{
    private static ChatMessage[] Question => [new ChatMessage(ChatRole.User, "q")];

    private static ResilienceOptions Fast(Action<ResilienceOptions>? adjust = null)
    {
        var options = new ResilienceOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(5),
            TotalTimeout = TimeSpan.FromSeconds(20),
            CircuitBreakerFailureRatio = null,
        };
        adjust?.Invoke(options);
        return options;
    }

    private static TestChatClient FailingThen(int failures, Func<Exception> failure)
    {
        var calls = 0;
        return new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Interlocked.Increment(ref calls) <= failures
                ? throw failure()
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
    }

    [Test]
    public async Task TransientFailures_AreRetried()
    {
        var inner = FailingThen(2, () => new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable));
        using var client = new ResilientChatClient(inner, Fast());

        var response = await client.GetResponseAsync(Question);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("ok"));
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void PermanentFailures_AreNotRetried()
    {
        var inner = FailingThen(5, () => new HttpRequestException("bad request", null, HttpStatusCode.BadRequest));
        using var client = new ResilientChatClient(inner, Fast());

        Assert.Multiple(() =>
        {
            Assert.That(() => client.GetResponseAsync(Question), Throws.TypeOf<HttpRequestException>().With.Message.EqualTo("bad request"));
            Assert.That(inner.Calls, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void RetriesAreBounded_AndTheLastFailureSurfaces()
    {
        var inner = FailingThen(100, () => new HttpRequestException("still busy", null, HttpStatusCode.TooManyRequests));
        using var client = new ResilientChatClient(inner, Fast(o => o.MaxRetryAttempts = 2));

        Assert.Multiple(() =>
        {
            Assert.That(() => client.GetResponseAsync(Question), Throws.TypeOf<HttpRequestException>());
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task RetryAfter_IsHonoured_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var inner = FailingThen(1, () => new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests));
        using var client = new ResilientChatClient(inner, Fast(o =>
        {
            o.TimeProvider = time;
            o.RetryMaxDelay = TimeSpan.FromMinutes(1);
            o.RetryAfter = _ => TimeSpan.FromSeconds(7);
        }));

        var call = client.GetResponseAsync(Question);
        var advanced = TimeSpan.Zero;
        while (!call.IsCompleted && advanced < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(250));
            advanced += TimeSpan.FromMilliseconds(250);
            await Task.Delay(5);
        }

        Assert.Multiple(async () =>
        {
            Assert.That((await call).Text, Is.EqualTo("ok"));
            Assert.That(advanced, Is.InRange(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.5)), "the retry waited the 7 s the server asked for");
        });
    }

    [Test]
    public async Task AnAttemptThatHangs_TimesOut_AndIsRetried()
    {
        var calls = 0;
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await Task.Delay(Timeout.Infinite, token);
                }

                return new ChatResponse(new ChatMessage(ChatRole.Assistant, "second attempt"));
            },
        };
        using var client = new ResilientChatClient(inner, Fast(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(50)));

        Assert.That((await client.GetResponseAsync(Question)).Text, Is.EqualTo("second attempt"));
    }

    [Test]
    public void AttemptTimeoutsThatNeverEnd_FailWithATypedTimeout()
    {
        var inner = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await Task.Delay(Timeout.Infinite, token); return null!; } };
        using var client = new ResilientChatClient(inner, Fast(o => { o.AttemptTimeout = TimeSpan.FromMilliseconds(20); o.MaxRetryAttempts = 1; }));

        Assert.That(() => client.GetResponseAsync(Question), Throws.TypeOf<TimeoutRejectedException>());
    }

    [Test]
    public void CallerCancellation_IsNeitherRetriedNorFallenBackFrom()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await cts.CancelAsync(); token.ThrowIfCancellationRequested(); return null!; } };
        var fallback = TestChatClient.Answering("fallback");
        using var client = new ResilientChatClient(inner, Fast(), fallback);

        Assert.Multiple(() =>
        {
            Assert.That(() => client.GetResponseAsync(Question, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(inner.Calls, Has.Count.EqualTo(1));
            Assert.That(fallback.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task CircuitBreaker_OpensAfterRepeatedFailures_AndRejectsWithoutCallingTheModel()
    {
        var inner = FailingThen(1000, () => new HttpRequestException("down", null, HttpStatusCode.InternalServerError));
        using var client = new ResilientChatClient(inner, Fast(o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerFailureRatio = 0.5;
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(5);
        }));

        for (var i = 0; i < 4; i++)
        {
            Assert.That(() => client.GetResponseAsync(Question), Throws.TypeOf<HttpRequestException>());
        }

        var before = inner.Calls.Count;
        var rejected = Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetResponseAsync(Question));
        await Task.Yield();

        Assert.Multiple(() =>
        {
            Assert.That(rejected, Is.Not.Null);
            Assert.That(inner.Calls, Has.Count.EqualTo(before), "an open circuit does not reach the model");
        });
    }

    [Test]
    public async Task Fallback_AnswersWhenTheModelFailsForGood_AndSaysSo()
    {
        var inner = FailingThen(100, () => new HttpRequestException("down", null, HttpStatusCode.BadGateway));
        using var client = new ResilientChatClient(inner, Fast(o => o.MaxRetryAttempts = 1), TestChatClient.Answering("from the cheaper model"));

        var response = await client.GetResponseAsync(Question);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("from the cheaper model"));
            Assert.That(response.AdditionalProperties![ResilientChatClient.FallbackUsedKey], Is.EqualTo(true));
        });
    }

    [Test]
    public async Task ConcurrencyLimit_BoundsCallsInFlight()
    {
        var inFlight = 0;
        var peak = 0;
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await Task.Delay(5, token);
                Interlocked.Decrement(ref inFlight);
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"));
            },
        };
        using var client = new ResilientChatClient(inner, Fast(o => o.MaxConcurrency = 2));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.GetResponseAsync(Question)));

        Assert.That(peak, Is.EqualTo(2));
    }

    [Test]
    public async Task Streaming_IsRetriedUntilTheFirstUpdate()
    {
        var inner = FailingThen(2, () => new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable));
        using var client = new ResilientChatClient(inner, Fast());

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question))
        {
            updates.Add(update);
        }

        Assert.Multiple(() =>
        {
            Assert.That(updates.ToChatResponse().Text, Is.EqualTo("ok"));
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public async Task Streaming_CancelledAfterTheFirstUpdate_EndsTheStream_AndCancelsTheModelStream(bool defaultRecipe, CancellationToken hangGuard)
    {
        // The default recipe's attempt and total timeouts are on (Fast keeps them); the pipeline you bring has none.
        var inner = new HoldingStreamChatClient();
        using var client = defaultRecipe ? new ResilientChatClient(inner, Fast()) : new ResilientChatClient(inner, Polly.ResiliencePipeline.Empty);

        await inner.AssertCancellingAfterTheFirstUpdateEndsTheStreamAsync(client, Question, hangGuard);
    }

    [Test]
    public void InvalidOptions_AreRejected_NamingTheSetting()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ResilientChatClient(new TestChatClient(), new ResilienceOptions { MaxRetryAttempts = -1 }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("MaxRetryAttempts"));
            Assert.That(() => new ResilientChatClient(new TestChatClient(), new ResilienceOptions { AttemptTimeout = TimeSpan.Zero }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("AttemptTimeout"));
            Assert.That(() => new ResilientChatClient(new TestChatClient(), new ResilienceOptions { CircuitBreakerFailureRatio = 2 }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("CircuitBreakerFailureRatio"));
            Assert.That(() => new ResilientChatClient(new TestChatClient(), new ResilienceOptions { CircuitBreakerFailureRatio = 0 }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("CircuitBreakerFailureRatio"));
            Assert.That(() => new ResilientChatClient(new TestChatClient(), new ResilienceOptions { IsTransient = null! }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("IsTransient"));
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
