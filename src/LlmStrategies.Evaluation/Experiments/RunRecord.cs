using System.Text.Json.Serialization;

namespace LlmStrategies.Experiments;

/// <summary>What a strategy answered for one item: the part of a run that is cached and can be replayed.</summary>
public sealed class RecordedResponse
{
    /// <summary>Gets how the run ended.</summary>
    [JsonPropertyName("outcome")]
    public StrategyOutcome Outcome { get; init; }

    /// <summary>Gets the answer, or <see langword="null"/> when the input was rejected.</summary>
    [JsonPropertyName("answer")]
    public string? Answer { get; init; }

    /// <summary>Gets the id of the model that answered, or <see langword="null"/> when unknown.</summary>
    [JsonPropertyName("model")]
    public string? ModelId { get; init; }

    /// <summary>Gets the ids of the documents put into the prompt, best first.</summary>
    [JsonPropertyName("sources")]
    public IReadOnlyList<string> SourceIds { get; init; } = [];

    /// <summary>Gets the input tokens (cached ones included), summed over the run's model calls.</summary>
    [JsonPropertyName("inputTokens")]
    public long InputTokens { get; init; }

    /// <summary>Gets the input tokens served from the provider's prompt cache.</summary>
    [JsonPropertyName("cachedInputTokens")]
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    [JsonPropertyName("outputTokens")]
    public long OutputTokens { get; init; }

    /// <summary>Gets the run's wall time in milliseconds (as recorded when it ran; a cache hit keeps the original latency).</summary>
    [JsonPropertyName("latencyMs")]
    public double LatencyMs { get; init; }

    /// <summary>Records a strategy result.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The recorded response.</returns>
    public static RecordedResponse From(StrategyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RecordedResponse
        {
            Outcome = result.Outcome,
            Answer = result.Answer,
            ModelId = result.ModelId,
            SourceIds = result.Sources.Select(s => s.SourceId).ToArray(),
            InputTokens = result.Usage.InputTokenCount ?? 0,
            CachedInputTokens = result.Usage.CachedInputTokenCount ?? 0,
            OutputTokens = result.Usage.OutputTokenCount ?? 0,
            LatencyMs = result.Elapsed.TotalMilliseconds,
        };
    }
}

/// <summary>One metric of one evaluated response.</summary>
public sealed class MetricValue
{
    /// <summary>Gets the metric's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the value (Boolean metrics as 1 or 0), or <see langword="null"/> when the evaluator could not score.</summary>
    [JsonPropertyName("value")]
    public double? Value { get; init; }

    /// <summary>Gets a value indicating whether the metric is binary (a Boolean metric), which selects McNemar's test.</summary>
    [JsonPropertyName("binary")]
    public bool IsBinary { get; init; }

    /// <summary>Gets the evaluator's error diagnostics, or <see langword="null"/> when it scored normally.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Gets the evaluator's reason, if it gave one.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}

/// <summary>One (strategy, item, repeat) of an experiment: the response, its cost and its metrics.</summary>
public sealed class RunRecord
{
    /// <summary>Gets the strategy's name.</summary>
    [JsonPropertyName("strategy")]
    public required string StrategyName { get; init; }

    /// <summary>Gets the strategy's fingerprint.</summary>
    [JsonPropertyName("fingerprint")]
    public required string Fingerprint { get; init; }

    /// <summary>Gets the item's id.</summary>
    [JsonPropertyName("item")]
    public required string ItemId { get; init; }

    /// <summary>Gets the repeat index (0 to repeats − 1).</summary>
    [JsonPropertyName("repeat")]
    public int Repeat { get; init; }

    /// <summary>Gets the response, or <see langword="null"/> when the strategy failed (see <see cref="Error"/>).</summary>
    [JsonPropertyName("response")]
    public RecordedResponse? Response { get; init; }

    /// <summary>Gets the strategy's failure (exception type and message), or <see langword="null"/>.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Gets a value indicating whether the response came from the response cache.</summary>
    [JsonPropertyName("fromCache")]
    public bool FromCache { get; init; }

    /// <summary>Gets the cost in the price table's currency, or <see langword="null"/> when the model has no price.</summary>
    [JsonPropertyName("cost")]
    public decimal? Cost { get; init; }

    /// <summary>Gets the metrics.</summary>
    [JsonPropertyName("metrics")]
    public IReadOnlyList<MetricValue> Metrics { get; init; } = [];
}

/// <summary>A strategy as an experiment recorded it.</summary>
public sealed class StrategyInfo
{
    /// <summary>Gets the name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the fingerprint.</summary>
    [JsonPropertyName("fingerprint")]
    public required string Fingerprint { get; init; }

    /// <summary>Gets the declared model (the price table key), or <see langword="null"/>.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Gets the canonical configuration text (a pipeline's FingerprintText), or <see langword="null"/> when the strategy does not expose it.</summary>
    [JsonPropertyName("configuration")]
    public string? Configuration { get; init; }
}
