using LlmStrategies.Retrieval.Hybrid;

namespace LlmStrategies.Tuning;

/// <summary>What <see cref="HybridFusionTuner"/> searches and how it reports.</summary>
public sealed class HybridFusionSearch
{
    /// <summary>Gets the fusion methods to try. Default all three: reciprocal rank, min-max, z-score.</summary>
    public IList<FusionMethod> Methods { get; } = [FusionMethod.ReciprocalRank, FusionMethod.MinMax, FusionMethod.ZScore];

    /// <summary>
    /// Gets the weights to try for every retriever after the first, relative to the first (whose weight stays 1: every
    /// method ranks the same when all weights are scaled together). Default 0.05 to 10 on a roughly logarithmic grid.
    /// </summary>
    public IList<double> WeightRatios { get; } = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10];

    /// <summary>Gets the k values of reciprocal rank fusion to try. Default 60 only.</summary>
    public IList<int> RrfKs { get; } = [60];

    /// <summary>Gets or sets the cut-off of the metric, nDCG@k (and the number of results requested). Default 10.</summary>
    public int K { get; set; } = 10;

    /// <summary>Gets or sets the name in reports. Default "hybrid fusion".</summary>
    public string Name { get; set; } = "hybrid fusion";

    /// <summary>Gets or sets the queries retrieved at once while the lists are fetched. Default the processor count.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the seed of the bootstrap and permutation tests. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the bootstrap resamples and random permutations. Default 10,000.</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>Gets or sets the confidence level. Default 0.95.</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the significance level. Default 0.05.</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the clock of the report's time stamp; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    internal void Validate()
    {
        if (Methods.Count == 0 || Methods.Any(m => !Enum.IsDefined(m)) || Methods.Distinct().Count() != Methods.Count)
        {
            throw new ArgumentException("HybridFusionSearch.Methods needs at least one defined fusion method, each once.");
        }

        if (WeightRatios.Count == 0 || WeightRatios.Any(w => !double.IsFinite(w) || w <= 0) || WeightRatios.Distinct().Count() != WeightRatios.Count)
        {
            throw new ArgumentException("HybridFusionSearch.WeightRatios needs at least one positive, finite weight, each once.");
        }

        if (RrfKs.Count == 0 || RrfKs.Any(k => k < 1) || RrfKs.Distinct().Count() != RrfKs.Count)
        {
            throw new ArgumentException("HybridFusionSearch.RrfKs needs at least one k ≥ 1, each once.");
        }

        if (K <= 0 || MaxDegreeOfParallelism <= 0 || Resamples <= 0 || !(ConfidenceLevel is > 0 and < 1) || !(Alpha is > 0 and < 1))
        {
            throw new ArgumentException("HybridFusionSearch: K, MaxDegreeOfParallelism and Resamples must be positive; ConfidenceLevel and Alpha in (0, 1).");
        }
    }
}
