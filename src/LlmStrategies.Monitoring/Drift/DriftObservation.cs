namespace LlmStrategies.Monitoring.Drift;

/// <summary>What drift monitoring records of one call (or of one reference item).</summary>
public sealed class DriftObservation
{
    /// <summary>Gets the input text.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the output label (for example a predicted class), or <see langword="null"/> when outputs have none.</summary>
    public string? OutputLabel { get; init; }

    /// <summary>Gets a value indicating whether the request was refused by a filter.</summary>
    public bool Refused { get; init; }

    /// <summary>Gets the input's embedding, or <see langword="null"/> when embeddings are not monitored.</summary>
    public ReadOnlyMemory<float>? Embedding { get; init; }
}
