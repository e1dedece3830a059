using Microsoft.ML.Tokenizers;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// How <see cref="DataWork"/> profiles a dataset and analyses where a strategy fails. Every default is documented here
/// with where it comes from: only <see cref="DefaultNearDuplicateThreshold"/> was tuned (on a hand-written pair set, never
/// on data a report is about); the others are statistical conventions or sizes for a readable report, not tuned on any data.
/// </summary>
public sealed class DataWorkOptions
{
    /// <summary>
    /// The default cosine similarity (of the embeddings of two inputs) at or above which they are near-duplicates: 0.88,
    /// the highest F1 (0.81: precision 0.70, recall 0.95) on a hand-written set of 80 question pairs (40 near-duplicates,
    /// 40 same-template questions that ask something else), not on any dataset a report is about; the sweep is in
    /// <c>benchmarks/results/analysis/</c>. It belongs to the local USE-Lite model, which cannot tell one-word opposites
    /// apart ("turn on" / "turn off" score 0.98): a near pair is a candidate to read, not proof. Another embedding model
    /// needs its own threshold.
    /// </summary>
    public const double DefaultNearDuplicateThreshold = 0.88;

    /// <summary>Gets or sets the quality metric to analyse; default the report's primary metric, else the run's first metric that is not lower-is-better.</summary>
    public string? PrimaryMetric { get; set; }

    /// <summary>Gets or sets the strategy (rung) whose failures are analysed; default the one with the best mean on the primary metric (ties: the one entered first).</summary>
    public string? Strategy { get; set; }

    /// <summary>Gets or sets the score at or above which an item counts as answered correctly. Default 0.5, not tuned: the midpoint of the default [0, 1] range, so a Boolean metric (0 or 1) splits exactly; set it for a graded metric such as F1.</summary>
    public double SuccessThreshold { get; set; } = 0.5;

    /// <summary>Gets or sets the lowest possible score of the primary metric. Default 0.</summary>
    public double ScoreMinimum { get; set; }

    /// <summary>Gets or sets the highest possible score of the primary metric (a perfect answer). Default 1.</summary>
    public double ScoreMaximum { get; set; } = 1;

    /// <summary>
    /// Gets or sets the tokenizer lengths are counted with, for example <c>PromptTokenizers.O200kBase</c> from
    /// LlmStrategies.Tokenizers; <see langword="null"/> counts whitespace-separated words and says so in the profile.
    /// </summary>
    public Tokenizer? Tokenizer { get; set; }

    /// <summary>Gets or sets the tokenizer's name for the reports (for example "o200k_base"). Default "tokens".</summary>
    public string? TokenizerName { get; set; }

    /// <summary>Gets or sets the metadata field that groups items (for example "article"); default the split manifest's GroupBy.</summary>
    public string? GroupField { get; set; }

    /// <summary>Gets or sets the smallest slice that is measured and tested. Default 20 items, not tuned: at 20 items the 95 % interval of a proportion near 0.5 is already about ±0.22 wide (1.96·√(0.25/20)), so smaller slices are noise.</summary>
    public int MinSliceSize { get; set; } = 20;

    /// <summary>Gets or sets the most distinct values a metadata field may have to be sliced on (more looks like an id). Default 50, not tuned: a size for a readable slice table.</summary>
    public int MaxSliceValues { get; set; } = 50;

    /// <summary>Gets or sets how slice p-values are corrected for testing many slices. Default Benjamini–Hochberg (false-discovery rate: slices are leads to read, not claims; choose Holm for family-wise control).</summary>
    public MultipleComparisonCorrection Correction { get; set; } = MultipleComparisonCorrection.BenjaminiHochberg;

    /// <summary>Gets or sets the significance level (of the corrected slice p-values and the paired tests). Default 0.05, the statistical convention (as in <see cref="LlmStrategies.Experiments.ReportOptions"/>).</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the confidence level of the intervals. Default 0.95, the statistical convention.</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the bootstrap resamples and random permutations per test. Default 10,000, not tuned: the Monte-Carlo error of a p-value near 0.05 is then about ±0.002 (√(0.05·0.95/10,000)).</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>Gets or sets the seed of every random choice (bootstrap, permutations, k-means++). Default 20240601, an arbitrary fixed value so that two analyses of the same run agree.</summary>
    public int Seed { get; set; } = 20240601;

    /// <summary>Gets or sets the cosine similarity at or above which two inputs are near-duplicates. Default <see cref="DefaultNearDuplicateThreshold"/>.</summary>
    public double NearDuplicateThreshold { get; set; } = DefaultNearDuplicateThreshold;

    /// <summary>Gets or sets how many nearest neighbours of each input are checked for near-duplicates. Default 5, not tuned: each input's 5 nearest are checked, so a group of more than 6 near-copies is found through overlapping pairs rather than every pair; raise it for datasets with many paraphrases of one question.</summary>
    public int NearDuplicateNeighbours { get; set; } = 5;

    /// <summary>Gets or sets how many texts go to the embedding generator per call. Default 256, not tuned for quality (it changes no result): a batch size for the local model.</summary>
    public int EmbeddingBatchSize { get; set; } = 256;

    /// <summary>Gets or sets the threads the nearest-neighbour search may use. Default the processor count.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the most failure clusters. Default 8, not tuned: k is chosen by the best silhouette up to this, and 8 clusters × 3 representatives is what a reader reads.</summary>
    public int MaxClusters { get; set; } = 8;

    /// <summary>Gets or sets the fewest failures per cluster the choice of k aims for (k ≤ failures / this). Default 5, not tuned: fewer failures than that is an anecdote, not a pattern.</summary>
    public int MinClusterSize { get; set; } = 5;

    /// <summary>Gets or sets how many representative items each cluster shows. Default 3 (the number issue 16 asks for), a report size, not tuned.</summary>
    public int RepresentativesPerCluster { get; set; } = 3;

    /// <summary>Gets or sets the rung pairs compared item by item (first, second); empty compares each rung with the next in entry order.</summary>
    public IList<(string First, string Second)> Comparisons { get; } = [];

    /// <summary>Gets or sets how many findings the "what to fix first" list keeps. Default 10, a report size, not tuned.</summary>
    public int TopFindings { get; set; } = 10;

    /// <summary>Gets or sets how many example items a finding, a duplicate list or an answerability list keeps in the report. Default 20, a report size, not tuned (counts are always complete).</summary>
    public int MaxListedItems { get; set; } = 20;

    /// <summary>Checks every setting and throws an exception naming the wrong one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    internal void Validate()
    {
        if (!(ScoreMaximum > ScoreMinimum))
        {
            throw new ArgumentOutOfRangeException(nameof(ScoreMaximum), ScoreMaximum, $"DataWorkOptions.ScoreMaximum must be above ScoreMinimum ({ScoreMinimum}).");
        }

        if (!(SuccessThreshold > ScoreMinimum && SuccessThreshold <= ScoreMaximum))
        {
            throw new ArgumentOutOfRangeException(nameof(SuccessThreshold), SuccessThreshold, $"DataWorkOptions.SuccessThreshold must be in ({ScoreMinimum}, {ScoreMaximum}].");
        }

        Positive(MinSliceSize, nameof(MinSliceSize));
        Positive(Resamples, nameof(Resamples));
        Positive(NearDuplicateNeighbours, nameof(NearDuplicateNeighbours));
        Positive(EmbeddingBatchSize, nameof(EmbeddingBatchSize));
        Positive(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
        Positive(MinClusterSize, nameof(MinClusterSize));
        Positive(RepresentativesPerCluster, nameof(RepresentativesPerCluster));
        Positive(TopFindings, nameof(TopFindings));
        Positive(MaxListedItems, nameof(MaxListedItems));
        if (MaxSliceValues < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSliceValues), MaxSliceValues, "DataWorkOptions.MaxSliceValues must be at least 2.");
        }

        if (MaxClusters < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxClusters), MaxClusters, "DataWorkOptions.MaxClusters must be at least 2.");
        }

        if (!(Alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "DataWorkOptions.Alpha must be in (0, 1), for example 0.05.");
        }

        if (!(ConfidenceLevel is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "DataWorkOptions.ConfidenceLevel must be in (0, 1), for example 0.95.");
        }

        if (!(NearDuplicateThreshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NearDuplicateThreshold), NearDuplicateThreshold, "DataWorkOptions.NearDuplicateThreshold must be a cosine similarity in (0, 1].");
        }

        if (!Enum.IsDefined(Correction))
        {
            throw new ArgumentOutOfRangeException(nameof(Correction), Correction, "Use MultipleComparisonCorrection.BenjaminiHochberg or Holm.");
        }
    }

    /// <summary>The success test every analysis shares.</summary>
    internal bool IsSuccess(double score) => score >= SuccessThreshold;

    /// <summary>How far a score is from a perfect answer, as a share of the score range (0 = perfect, 1 = worst).</summary>
    internal double Gap(double score) => (ScoreMaximum - score) / (ScoreMaximum - ScoreMinimum);

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"DataWorkOptions.{name} must be positive.");
        }
    }
}

/// <summary>How p-values of many slice tests are corrected so that testing many slices does not flag chance dips.</summary>
public enum MultipleComparisonCorrection
{
    /// <summary>
    /// Benjamini–Hochberg (1995) step-up: controls the false discovery rate (the expected share of flagged slices that are
    /// not really worse) at alpha. The default: slicing is screening, where missing a real weak slice costs more than
    /// reading a few extra items, and its power does not collapse as the number of slices grows. Its guarantee assumes
    /// independent or positively dependent tests; slices of one feature partition the items, so treat it as approximate.
    /// </summary>
    BenjaminiHochberg,

    /// <summary>Holm (1979) step-down: controls the family-wise error rate (the chance of any false flag) at alpha under any dependence; fewer flags.</summary>
    Holm,
}
