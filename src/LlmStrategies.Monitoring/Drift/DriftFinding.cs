namespace LlmStrategies.Monitoring.Drift;

/// <summary>One feature's comparison between the reference window and the live window.</summary>
public sealed class DriftFinding
{
    /// <summary>Gets the feature: "input_length", "input_language", "output_label", "refusal" or "input_embedding".</summary>
    public required string Feature { get; init; }

    /// <summary>Gets the statistic: "psi", "ks_p_value" or "centroid_cosine_distance".</summary>
    public required string Statistic { get; init; }

    /// <summary>Gets the statistic's value.</summary>
    public required double Value { get; init; }

    /// <summary>Gets the threshold it was compared with.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets a value indicating whether the feature drifted (for a p-value: below the threshold; otherwise above it).</summary>
    public required bool Drifted { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Feature} {Statistic} = {Value:G4} (threshold {Threshold:G4}){(Drifted ? " DRIFT" : string.Empty)}";
}
