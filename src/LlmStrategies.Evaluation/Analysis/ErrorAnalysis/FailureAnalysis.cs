using System.Text.Json.Serialization;
using LlmStrategies.Experiments;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Where and why a finished experiment's strategy fails, from its records alone (no model calls): rung against rung item
/// by item, slices by metadata and automatic features with corrected significance, retrieval against reading misses,
/// and clusters of the failed inputs.
/// </summary>
public sealed class FailureAnalysis
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.failure-analysis";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Gets the schema name.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the experiment's name.</summary>
    [JsonPropertyName("experiment")]
    public required string Experiment { get; init; }

    /// <summary>Gets the test set the experiment ran on.</summary>
    [JsonPropertyName("testSet")]
    public required DatasetSummary TestSet { get; init; }

    /// <summary>Gets the metric analysed.</summary>
    [JsonPropertyName("metric")]
    public required string Metric { get; init; }

    /// <summary>Gets a value indicating whether the metric is binary.</summary>
    [JsonPropertyName("binary")]
    public bool Binary { get; init; }

    /// <summary>Gets the score at or above which an item counts as correct.</summary>
    [JsonPropertyName("successThreshold")]
    public double SuccessThreshold { get; init; }

    /// <summary>Gets the strategy whose failures are analysed.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>Gets where the per-item evidence came from: "run records" (answers and retrieved sources) or "report scores" (scores only).</summary>
    [JsonPropertyName("evidence")]
    public required string Evidence { get; init; }

    /// <summary>Gets the analysed strategy's overall mean with its interval, item count and failures.</summary>
    [JsonPropertyName("overall")]
    public required SliceResult Overall { get; init; }

    /// <summary>Gets the rung-against-rung comparisons.</summary>
    [JsonPropertyName("comparisons")]
    public IReadOnlyList<RungComparison> Comparisons { get; init; } = [];

    /// <summary>Gets how slices were tested.</summary>
    [JsonPropertyName("sliceSettings")]
    public required SliceSettings SliceSettings { get; init; }

    /// <summary>Gets every slice measured, worst mean first.</summary>
    [JsonPropertyName("slices")]
    public IReadOnlyList<SliceResult> Slices { get; init; } = [];

    /// <summary>Gets the retrieval/reading attribution, one entry per strategy that retrieved.</summary>
    [JsonPropertyName("attribution")]
    public IReadOnlyList<FailureAttributionSummary> Attribution { get; init; } = [];

    /// <summary>Gets why attribution is missing or partial, or <see langword="null"/> when it is complete.</summary>
    [JsonPropertyName("attributionNote")]
    public string? AttributionNote { get; init; }

    /// <summary>Gets the clusters of failed inputs.</summary>
    [JsonPropertyName("clusters")]
    public required ClusterAnalysis Clusters { get; init; }

    /// <summary>Gets notes (repeats, missing evidence...).</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The analysis as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => AnalysisJson.Serialize(this, AnalysisJsonContext.Default.FailureAnalysis);

    /// <summary>Parses an analysis written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The analysis.</returns>
    /// <exception cref="ExperimentFileException">The text is not a failure analysis of this version.</exception>
    public static FailureAnalysis FromJson(string json) => AnalysisJson.Deserialize(json, SchemaName, SchemaVersion, AnalysisJsonContext.Default.FailureAnalysis);
}

/// <summary>Two rungs scored on the same items, side by side.</summary>
public sealed class RungComparison
{
    /// <summary>Gets the first rung (usually the cheaper, lower one).</summary>
    [JsonPropertyName("first")]
    public required string First { get; init; }

    /// <summary>Gets the second rung.</summary>
    [JsonPropertyName("second")]
    public required string Second { get; init; }

    /// <summary>Gets the items both rungs have a score for.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets the items where the second scored higher.</summary>
    [JsonPropertyName("secondWins")]
    public int SecondWins { get; init; }

    /// <summary>Gets the items where the first scored higher.</summary>
    [JsonPropertyName("firstWins")]
    public int FirstWins { get; init; }

    /// <summary>Gets the items with equal scores.</summary>
    [JsonPropertyName("ties")]
    public int Ties { get; init; }

    /// <summary>Gets the mean paired difference second − first.</summary>
    [JsonPropertyName("difference")]
    public double Difference { get; init; }

    /// <summary>Gets the lower bound of the paired bootstrap interval of the difference.</summary>
    [JsonPropertyName("lower")]
    public double Lower { get; init; }

    /// <summary>Gets the upper bound.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Gets the test (McNemar on correct/incorrect for binary metrics, the paired permutation test otherwise).</summary>
    [JsonPropertyName("test")]
    public required string Test { get; init; }

    /// <summary>Gets the two-sided p-value.</summary>
    [JsonPropertyName("pValue")]
    public double PValue { get; init; }

    /// <summary>Gets a value indicating whether p is below alpha.</summary>
    [JsonPropertyName("significant")]
    public bool Significant { get; init; }

    /// <summary>Gets the items the second rung got right and the first wrong (fixed by the step).</summary>
    [JsonPropertyName("fixedItems")]
    public IReadOnlyList<string> FixedItems { get; init; } = [];

    /// <summary>Gets the items the first rung got right and the second wrong (broken by the step).</summary>
    [JsonPropertyName("brokenItems")]
    public IReadOnlyList<string> BrokenItems { get; init; } = [];
}

/// <summary>How slices were measured and tested.</summary>
public sealed class SliceSettings
{
    /// <summary>Gets the smallest slice measured.</summary>
    [JsonPropertyName("minSliceSize")]
    public int MinSliceSize { get; init; }

    /// <summary>Gets the test: a one-sided permutation test of the slice mean against random slices of the same size.</summary>
    [JsonPropertyName("test")]
    public required string Test { get; init; }

    /// <summary>Gets the multiple-comparison correction.</summary>
    [JsonPropertyName("correction")]
    public required string Correction { get; init; }

    /// <summary>Gets the significance level of the corrected p-values.</summary>
    [JsonPropertyName("alpha")]
    public double Alpha { get; init; }

    /// <summary>Gets the interval method.</summary>
    [JsonPropertyName("interval")]
    public required string Interval { get; init; }

    /// <summary>Gets the number of slices tested.</summary>
    [JsonPropertyName("tested")]
    public int Tested { get; init; }

    /// <summary>Gets the number of slice values left out because they had fewer than <see cref="MinSliceSize"/> items.</summary>
    [JsonPropertyName("tooSmall")]
    public int TooSmall { get; init; }

    /// <summary>Gets the features sliced on.</summary>
    [JsonPropertyName("features")]
    public IReadOnlyList<string> Features { get; init; } = [];
}

/// <summary>The analysed metric over one slice (or over all items, for the overall figure).</summary>
public sealed class SliceResult
{
    /// <summary>Gets the feature ("metadata.article", "question word", "input length", "answer type", "retrieval"...), or "all".</summary>
    [JsonPropertyName("feature")]
    public required string Feature { get; init; }

    /// <summary>Gets the feature's value.</summary>
    [JsonPropertyName("value")]
    public required string Value { get; init; }

    /// <summary>Gets the scored items in the slice.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets the mean.</summary>
    [JsonPropertyName("mean")]
    public double Mean { get; init; }

    /// <summary>Gets the lower bound of the bootstrap interval of the mean.</summary>
    [JsonPropertyName("lower")]
    public double Lower { get; init; }

    /// <summary>Gets the upper bound.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Gets the items below the success threshold.</summary>
    [JsonPropertyName("failures")]
    public int Failures { get; init; }

    /// <summary>Gets the one-sided p-value of "this slice scores lower than random slices of its size" (NaN for the overall figure).</summary>
    [JsonPropertyName("pValue")]
    public double PValue { get; init; }

    /// <summary>Gets the p-value after the multiple-comparison correction.</summary>
    [JsonPropertyName("adjustedPValue")]
    public double AdjustedPValue { get; init; }

    /// <summary>Gets a value indicating whether the slice is significantly below the overall mean after correction.</summary>
    [JsonPropertyName("flagged")]
    public bool Flagged { get; init; }

    /// <summary>Gets the slice's items.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<string> Items { get; init; } = [];
}

/// <summary>Why one strategy's answers failed: retrieval or reading, item by item.</summary>
public sealed class FailureAttributionSummary
{
    /// <summary>Gets the strategy.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>Gets how "gold passage in the context" was decided: "retrieved sources" or the per-item MRR metric (&gt; 0).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>Gets the items attributed.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets correct answers with a gold passage in the context.</summary>
    [JsonPropertyName("correctWithGold")]
    public int CorrectWithGold { get; init; }

    /// <summary>Gets correct answers without a gold passage in the context.</summary>
    [JsonPropertyName("correctWithoutGold")]
    public int CorrectWithoutGold { get; init; }

    /// <summary>Gets wrong answers with no gold passage in the context: both retrieval and the answer failed (fix the index, chunking or query).</summary>
    [JsonPropertyName("retrievalMisses")]
    public int RetrievalMisses { get; init; }

    /// <summary>Gets wrong answers with a gold passage in the context (fix the prompt or the model).</summary>
    [JsonPropertyName("readingMisses")]
    public int ReadingMisses { get; init; }

    /// <summary>Gets items without gold passages (not attributable).</summary>
    [JsonPropertyName("noGoldPassage")]
    public int NoGoldPassage { get; init; }

    /// <summary>Gets items with no score (the strategy or the evaluator failed).</summary>
    [JsonPropertyName("unscored")]
    public int Unscored { get; init; }

    /// <summary>Gets the retrieval misses whose gold answer is in no corpus document (retrieval cannot fix them), or <see langword="null"/> without a corpus.</summary>
    [JsonPropertyName("retrievalMissesNotInCorpus")]
    public int? RetrievalMissesNotInCorpus { get; init; }

    /// <summary>Gets the retrieval misses whose context held the answer text in another document anyway, or <see langword="null"/> when the texts are not known.</summary>
    [JsonPropertyName("retrievalMissesAnswerInContext")]
    public int? RetrievalMissesAnswerInContext { get; init; }

    /// <summary>Gets the per-item attribution.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<ItemAttribution> Items { get; init; } = [];
}

/// <summary>One item's failure attribution.</summary>
public sealed class ItemAttribution
{
    /// <summary>Gets the item.</summary>
    [JsonPropertyName("item")]
    public required string Item { get; init; }

    /// <summary>Gets the cause: correct-with-gold, correct-without-gold, retrieval-miss, reading-miss, no-gold-passage or unscored.</summary>
    [JsonPropertyName("cause")]
    public required string Cause { get; init; }

    /// <summary>Gets the score, or <see langword="null"/>.</summary>
    [JsonPropertyName("score")]
    public double? Score { get; init; }

    /// <summary>Gets whether the gold answer text was in the retrieved context, or <see langword="null"/> when unknown.</summary>
    [JsonPropertyName("answerInContext")]
    public bool? AnswerInContext { get; init; }

    /// <summary>Gets whether the gold answer text is anywhere in the corpus, or <see langword="null"/> when unknown.</summary>
    [JsonPropertyName("answerInCorpus")]
    public bool? AnswerInCorpus { get; init; }
}

/// <summary>Clusters of the analysed strategy's failed inputs.</summary>
public sealed class ClusterAnalysis
{
    /// <summary>Gets a value indicating whether clusters were computed.</summary>
    [JsonPropertyName("available")]
    public bool Available { get; init; }

    /// <summary>Gets why not, or how, in words.</summary>
    [JsonPropertyName("method")]
    public required string Method { get; init; }

    /// <summary>Gets the number of failed inputs clustered.</summary>
    [JsonPropertyName("failures")]
    public int Failures { get; init; }

    /// <summary>Gets the chosen number of clusters.</summary>
    [JsonPropertyName("k")]
    public int K { get; init; }

    /// <summary>Gets the mean simplified silhouette of every candidate k (the rule picks the highest).</summary>
    [JsonPropertyName("silhouettes")]
    public IReadOnlyDictionary<string, double> Silhouettes { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the clusters, most failures first.</summary>
    [JsonPropertyName("clusters")]
    public IReadOnlyList<FailureCluster> Clusters { get; init; } = [];
}

/// <summary>One cluster of failed inputs.</summary>
public sealed class FailureCluster
{
    /// <summary>Gets the cluster's number (1-based, most failures first).</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>Gets the failed items in the cluster.</summary>
    [JsonPropertyName("failures")]
    public int Failures { get; init; }

    /// <summary>Gets the scored test items (failed or not) nearest to this cluster's centroid: the cluster's region.</summary>
    [JsonPropertyName("regionItems")]
    public int RegionItems { get; init; }

    /// <summary>Gets the metric's mean over the region's items.</summary>
    [JsonPropertyName("regionMean")]
    public double RegionMean { get; init; }

    /// <summary>Gets the most frequent content words of the cluster's inputs that are rarer among all failures.</summary>
    [JsonPropertyName("topTerms")]
    public IReadOnlyList<string> TopTerms { get; init; } = [];

    /// <summary>Gets the failed items closest to the centroid.</summary>
    [JsonPropertyName("representatives")]
    public IReadOnlyList<string> Representatives { get; init; } = [];

    /// <summary>Gets every failed item in the cluster.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<string> Items { get; init; } = [];
}
