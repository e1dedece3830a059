using LlmStrategies.Pipeline;
using LlmStrategies.Resilience;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;

namespace LlmStrategies.Tests.Resilience;

/// <summary>
/// A bounded load test under chaos: 10,000 pipeline calls at concurrency 64 against a model that Polly's chaos
/// strategies make fail 20% of the time and stall now and then. Every call must end (answer or typed error), every
/// request must be answered once, and memory must stay flat. Speed is measured by the benchmarks, not here.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ChaosLoadTests
{
    /// <summary>A model that echoes the request id, behind seeded chaos: 20% faults, 5% latency spikes of 40 ms.</summary>
    private sealed class ChaosChatClient : IChatClient
    {
        private readonly ResiliencePipeline _chaos;
        private readonly Random _random = new(20241126);
        private int _calls;

        public ChaosChatClient()
        {
            _chaos = new ResiliencePipelineBuilder()
                .AddChaosFault(new ChaosFaultStrategyOptions
                {
                    InjectionRate = 0.20,
                    Randomizer = Next,
                    FaultGenerator = static _ => ValueTask.FromResult<Exception?>(new HttpRequestException("injected 503", null, System.Net.HttpStatusCode.ServiceUnavailable)),
                })
                .AddChaosLatency(new ChaosLatencyStrategyOptions { InjectionRate = 0.05, Latency = TimeSpan.FromMilliseconds(40), Randomizer = Next })
                .Build();
        }

        public int Calls => Volatile.Read(ref _calls);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            var question = messages.Last().Text;
            return await _chaos.ExecuteAsync(
                static (q, _) => ValueTask.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer to " + q))),
                question,
                cancellationToken);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private double Next()
        {
            lock (_random)
            {
                return _random.NextDouble();
            }
        }
    }

    [Test]
    public async Task TenThousandCalls_UnderChaos_AllEnd_NoneLostOrDuplicated_MemoryFlat()
    {
        const int Calls = 10_000;
        var model = new ChaosChatClient();
        var pipeline = new StrategyPipelineBuilder("chaos", model)
            .UseResilience(o =>
            {
                o.MaxRetryAttempts = 3;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(4);
                o.AttemptTimeout = TimeSpan.FromMilliseconds(25);
                o.TotalTimeout = TimeSpan.FromMilliseconds(400);
                o.CircuitBreakerFailureRatio = null;
                o.Randomizer = new Random(7).NextDouble;
            })
            .Build();

        var answers = new string?[Calls];
        var failures = new Exception?[Calls];
        var hangGuard = TimeSpan.FromSeconds(10);
        long heapAfterWarmUp = 0;
        using var slots = new SemaphoreSlim(64);
        var tasks = new List<Task>(Calls);
        for (var i = 0; i < Calls; i++)
        {
            if (i == 1_000)
            {
                await Task.WhenAll(tasks);
                heapAfterWarmUp = HeapAfterCollection();
            }

            await slots.WaitAsync();
            var id = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await pipeline.RunAsync(new StrategyRequest($"request-{id}")).WaitAsync(hangGuard);
                    answers[id] = result.Answer;
                }
                catch (TimeoutException ex)
                {
                    failures[id] = new InvalidOperationException($"call {id} hung past the 10 s guard", ex);
                }
                catch (Exception ex)
                {
                    failures[id] = ex;
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
        var heapAtEnd = HeapAfterCollection();
        var failed = failures.Where(f => f is not null).ToList();

        TestContext.Out.WriteLine($"answered {answers.Count(a => a is not null)}, failed {failed.Count} ({string.Join(", ", failed.GroupBy(f => f!.InnerException?.GetType().Name ?? f!.GetType().Name).Select(g => $"{g.Key} {g.Count()}"))}); model calls {model.Calls}; heap {heapAfterWarmUp / 1024} KiB -> {heapAtEnd / 1024} KiB");
        Assert.Multiple(() =>
        {
            for (var i = 0; i < Calls; i++)
            {
                if (answers[i] is { } answer && answer != $"answer to request-{i}")
                {
                    Assert.Fail($"request {i} got someone else's answer: {answer}");
                }

                if ((answers[i] is null) == (failures[i] is null))
                {
                    Assert.Fail($"request {i} neither answered nor failed exactly once");
                }
            }

            Assert.That(failed, Has.All.TypeOf<StrategyExecutionException>(), "failures are typed, naming the stage");
            Assert.That(failed.Select(f => ((StrategyExecutionException)f!).Stage), Has.All.EqualTo(PipelineStage.ModelCall));
            Assert.That(failed, Has.Count.LessThan(Calls / 100), "four attempts at a 20% fault rate leave well under 1% failing");
            Assert.That(model.Calls, Is.GreaterThan(Calls), "faults were injected and retried");
            Assert.That(heapAtEnd - heapAfterWarmUp, Is.LessThan(16L * 1024 * 1024), "memory stays flat: no per-call leak");
        });
    }

    private static long HeapAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
