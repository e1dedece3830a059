namespace LlmStrategies.Experiments;

/// <summary>One logged production request and what the live strategy answered.</summary>
public sealed class ProductionLogEntry
{
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>(0);

    /// <summary>Gets the request id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the input.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the logged output.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the model that answered, or <see langword="null"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the logged latency in milliseconds, or <see langword="null"/>.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Gets the logged input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the logged output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the ids of the documents the live strategy retrieved, best first.</summary>
    public IReadOnlyList<string> SourceIds { get; init; } = [];

    /// <summary>Gets reference outputs when known (for example from user feedback), else empty.</summary>
    public IReadOnlyList<string> ExpectedOutputs { get; init; } = [];

    /// <summary>Gets metrics logged in production (for example a thumbs-up rate as 1/0), by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = NoMetrics;
}
