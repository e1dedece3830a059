namespace LlmStrategies.Monitoring.Drift;

/// <summary>The result of comparing the live window with the reference window.</summary>
public sealed class DriftReport
{
    /// <summary>Gets when the comparison was made.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the number of reference observations.</summary>
    public required int ReferenceCount { get; init; }

    /// <summary>Gets the number of live observations compared.</summary>
    public required int LiveCount { get; init; }

    /// <summary>Gets the findings, one per feature and statistic.</summary>
    public required IReadOnlyList<DriftFinding> Findings { get; init; }

    /// <summary>Gets a value indicating whether any feature drifted.</summary>
    public bool Drifted => Findings.Any(f => f.Drifted);
}
