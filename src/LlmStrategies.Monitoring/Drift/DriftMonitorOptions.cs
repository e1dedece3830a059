using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Monitoring.Drift;

/// <summary>Settings of <see cref="DriftMonitor"/>. Validated by a source-generated validator when the monitor is created.</summary>
public sealed class DriftMonitorOptions : IValidatableObject
{
    /// <summary>Gets or sets how many first observations form the reference window when none is set explicitly. Default 500.</summary>
    [ValueRange(2, int.MaxValue, ErrorMessage = "DriftMonitorOptions.ReferenceSize must be at least 2 observations.")]
    public int ReferenceSize { get; set; } = 500;

    /// <summary>Gets or sets how many recent observations form the live window. Default 500.</summary>
    [ValueRange(2, int.MaxValue, ErrorMessage = "DriftMonitorOptions.WindowSize must be at least 2 observations.")]
    public int WindowSize { get; set; } = 500;

    /// <summary>Gets or sets how many observations between automatic comparisons (0 disables them). Default 100.</summary>
    [ValueRange(0, int.MaxValue, ErrorMessage = "DriftMonitorOptions.CompareEvery must be zero (no automatic comparisons) or more.")]
    public int CompareEvery { get; set; } = 100;

    /// <summary>Gets or sets the fewest live observations a comparison needs. Default 50.</summary>
    [ValueRange(2, int.MaxValue, ErrorMessage = "DriftMonitorOptions.MinimumLiveCount must be at least 2 observations.")]
    public int MinimumLiveCount { get; set; } = 50;

    /// <summary>Gets or sets the population stability index above which a feature has drifted. Default 0.25 (the conventional "major shift").</summary>
    [ValueRange(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "DriftMonitorOptions.PsiThreshold must be a positive, finite number (0.1 is a moderate shift, 0.25 a major one).")]
    public double PsiThreshold { get; set; } = 0.25;

    /// <summary>Gets or sets the Kolmogorov–Smirnov p-value below which a numeric feature has drifted. Default 0.001.</summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "DriftMonitorOptions.KsPValueThreshold must be a p-value in (0, 1], for example 0.001.")]
    public double KsPValueThreshold { get; set; } = 0.001;

    /// <summary>Gets or sets the cosine distance between embedding centroids above which inputs have drifted. Default 0.05.</summary>
    [ValueRange(0.0, 2.0, MinimumIsExclusive = true, ErrorMessage = "DriftMonitorOptions.CentroidDistanceThreshold must be a cosine distance in (0, 2], for example 0.05.")]
    public double CentroidDistanceThreshold { get; set; } = 0.05;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MinimumLiveCount > WindowSize)
        {
            yield return new ValidationResult(
                $"DriftMonitorOptions.MinimumLiveCount ({MinimumLiveCount}) must not exceed WindowSize ({WindowSize}): the live window never holds more than WindowSize observations, so no comparison would ever run.",
                [nameof(MinimumLiveCount), nameof(WindowSize)]);
        }
    }
}
