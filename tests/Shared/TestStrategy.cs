using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>A strategy that answers with a callback, counting calls (thread-safe).</summary>
internal sealed class TestStrategy(string name, Func<StrategyRequest, string> answer) : IStrategy
{
    private int _calls;

    public string Name { get; } = name;

    public StrategyFingerprint Fingerprint { get; init; } = StrategyFingerprint.Compute("test-strategy:" + name);

    public int Calls => Volatile.Read(ref _calls);

    public Func<StrategyRequest, IReadOnlyList<string>> Sources { get; init; } = _ => [];

    public long InputTokens { get; init; } = 100;

    public long OutputTokens { get; init; } = 10;

    public string ModelId { get; init; } = "test-model";

    public double ElapsedMs { get; init; } = 5;

    public Func<StrategyRequest, bool>? Fails { get; init; }

    public Func<StrategyRequest, CancellationToken, Task>? BeforeAnswer { get; init; }

    public static TestStrategy Echoing(string name, Dictionary<string, string> answers) => new(name, r => answers.GetValueOrDefault(r.Question, "no idea"));

    public async Task<StrategyResult> RunAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (BeforeAnswer is not null)
        {
            await BeforeAnswer(request, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (Fails?.Invoke(request) == true)
        {
            throw new StrategyExecutionException(Name, PipelineStage.ModelCall, new HttpRequestException("model down"));
        }

        var text = answer(request);
        return new StrategyResult
        {
            StrategyName = Name,
            Fingerprint = Fingerprint,
            Outcome = StrategyOutcome.Answered,
            Answer = text,
            Request = request,
            ModelId = ModelId,
            Sources = Sources(request).Select(s => new RetrievedChunk { ChunkId = s, SourceId = s, Text = s }).ToArray(),
            Usage = new UsageDetails { InputTokenCount = InputTokens, OutputTokenCount = OutputTokens, TotalTokenCount = InputTokens + OutputTokens },
            Elapsed = TimeSpan.FromMilliseconds(ElapsedMs),
        };
    }
}
