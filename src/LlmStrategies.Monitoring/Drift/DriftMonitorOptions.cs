namespace LlmStrategies.Monitoring.Drift;

/// <summary>Settings of <see cref="DriftMonitor"/>.</summary>
public sealed class DriftMonitorOptions
{
    /// <summary>Gets or sets how many first observations form the reference window when none is set explicitly. Default 500.</summary>
    public int ReferenceSize { get; set; } = 500;

    /// <summary>Gets or sets how many recent observations form the live window. Default 500.</summary>
    public int WindowSize { get; set; } = 500;

    /// <summary>Gets or sets how many observations between automatic comparisons (0 disables them). Default 100.</summary>
    public int CompareEvery { get; set; } = 100;

    /// <summary>Gets or sets the fewest live observations a comparison needs. Default 50.</summary>
    public int MinimumLiveCount { get; set; } = 50;

    /// <summary>Gets or sets the population stability index above which a feature has drifted. Default 0.25 (the conventional "major shift").</summary>
    public double PsiThreshold { get; set; } = 0.25;

    /// <summary>Gets or sets the Kolmogorov–Smirnov p-value below which a numeric feature has drifted. Default 0.001.</summary>
    public double KsPValueThreshold { get; set; } = 0.001;

    /// <summary>Gets or sets the cosine distance between embedding centroids above which inputs have drifted. Default 0.05.</summary>
    public double CentroidDistanceThreshold { get; set; } = 0.05;
}
