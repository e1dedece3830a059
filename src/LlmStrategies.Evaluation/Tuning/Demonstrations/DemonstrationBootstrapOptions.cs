namespace LlmStrategies.Tuning;

/// <summary>Settings of <see cref="DemonstrationBootstrapper"/>.</summary>
public sealed class DemonstrationBootstrapOptions
{
    /// <summary>Gets or sets the demonstrations per candidate set. Default 3.</summary>
    public int DemonstrationsPerSet { get; set; } = 3;

    /// <summary>Gets or sets how many candidate sets to build (the first in train order, the others seeded shuffles; identical sets count once). Default 6.</summary>
    public int CandidateSets { get; set; } = 6;

    /// <summary>Gets or sets how many train items the teacher runs on (a seeded sample), or <see langword="null"/> for all. Default <see langword="null"/>.</summary>
    public int? MaxTrainItems { get; set; }

    /// <summary>Gets or sets the metric value at or above which the teacher's answer is accepted as a demonstration. Default 1 (a perfect score; for a binary metric, a pass).</summary>
    public double AcceptAtOrAbove { get; set; } = 1.0;

    /// <summary>Gets or sets the <see cref="FewShot.LeakageGuard"/> threshold: a demonstration whose input is this similar to a dev input is not used. Default 0.9.</summary>
    public double LeakageThreshold { get; set; } = 0.9;

    internal void Validate()
    {
        if (DemonstrationsPerSet <= 0 || CandidateSets <= 0 || MaxTrainItems is <= 0)
        {
            throw new ArgumentException("DemonstrationBootstrapOptions: DemonstrationsPerSet, CandidateSets and MaxTrainItems must be positive.");
        }

        if (!double.IsFinite(AcceptAtOrAbove) || !(LeakageThreshold is > 0 and <= 1))
        {
            throw new ArgumentException("DemonstrationBootstrapOptions: AcceptAtOrAbove must be finite and LeakageThreshold in (0, 1].");
        }
    }
}
