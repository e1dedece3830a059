using Microsoft.Extensions.AI;

namespace LlmStrategies.Experiments;

/// <summary>
/// Replays a production log as a strategy: for a request whose <see cref="StrategyRequest.Id"/> is a logged id it
/// returns the logged output, model, tokens, sources and latency, so the live strategy can be scored and compared with
/// a candidate exactly like any other strategy, without calling a model.
/// </summary>
public sealed class LoggedOutputStrategy : IStrategy
{
    private readonly Dictionary<string, ProductionLogEntry> _entries;

    /// <summary>Creates the strategy.</summary>
    /// <param name="entries">The log.</param>
    /// <param name="name">The strategy's name. Default "production (logged)".</param>
    public LoggedOutputStrategy(IReadOnlyList<ProductionLogEntry> entries, string name = "production (logged)")
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _entries = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
        Name = name;
        Fingerprint = new FingerprintBuilder().Add("strategy", "logged-output").Add("log", ProductionLog.Fingerprint(entries)).Build();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public StrategyFingerprint Fingerprint { get; }

    /// <inheritdoc/>
    public Task<StrategyResult> RunAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Id is null || !_entries.TryGetValue(request.Id, out var entry))
        {
            throw new StrategyExecutionException(Name, PipelineStage.ModelCall, new KeyNotFoundException($"The production log has no entry with id '{request.Id}'; a logged-output strategy only answers logged requests."));
        }

        return Task.FromResult(new StrategyResult
        {
            StrategyName = Name,
            Fingerprint = Fingerprint,
            Outcome = StrategyOutcome.Answered,
            Answer = entry.Output,
            Request = request,
            ModelId = entry.Model,
            Sources = entry.SourceIds.Select((id, i) => new RetrievedChunk { ChunkId = id, SourceId = id, Text = string.Empty, Score = -i }).ToArray(),
            Usage = new UsageDetails { InputTokenCount = entry.InputTokens, OutputTokenCount = entry.OutputTokens, TotalTokenCount = entry.InputTokens + entry.OutputTokens },
            Elapsed = TimeSpan.FromMilliseconds(entry.LatencyMs ?? 0),
        });
    }
}
