namespace LlmStrategies;

/// <summary>A progress message or metric reported by a fine-tuning job.</summary>
public sealed class FineTuneJobEvent
{
    /// <summary>Gets the provider's identifier of the event, when it has one (used to resume watching after it).</summary>
    public string? Id { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the event's message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the provider's severity level (for example "info", "warn", "error").</summary>
    public string Level { get; init; } = "info";

    /// <summary>Gets numeric metrics carried by the event (for example step, train_loss).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>(0);
}
