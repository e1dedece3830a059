namespace LlmStrategies.Experiments;

/// <summary>How <see cref="ExperimentRunner"/> runs strategies over a test set.</summary>
public sealed class ExperimentOptions
{
    /// <summary>Gets or sets the experiment's name (reports). Default "experiment".</summary>
    public string Name { get; set; } = "experiment";

    /// <summary>Gets or sets how many times each item is run per strategy (for nondeterministic models; scores are averaged per item). Default 1.</summary>
    public int Repeats { get; set; } = 1;

    /// <summary>Gets or sets the number of calls in flight at once. Default 4.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 4;

    /// <summary>Gets or sets the maximum calls started per second (a token bucket), or <see langword="null"/> for no limit. Default <see langword="null"/>. Cache hits are not limited.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>
    /// Gets or sets the budget in the price table's currency, or <see langword="null"/> for none. The runner refuses to
    /// start when the pre-flight estimate exceeds it and stops when the spent cost exceeds it.
    /// </summary>
    public decimal? Budget { get; set; }

    /// <summary>Gets or sets the estimated prompt tokens per call beyond the question, for the pre-flight estimate. Default 500.</summary>
    public int EstimatedPromptOverheadTokens { get; set; } = 500;

    /// <summary>Gets or sets the estimated output tokens per call, for the pre-flight estimate. Default 100.</summary>
    public int EstimatedOutputTokens { get; set; } = 100;

    /// <summary>
    /// Gets or sets the JSONL checkpoint file, or <see langword="null"/> for none. Every finished (strategy, item, repeat)
    /// is appended and flushed; a rerun with the same strategies, items and evaluators skips what is there. A file
    /// written for another experiment fails loudly.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>
    /// Gets or sets the metadata field that groups items which are not independent (the questions of one paragraph or
    /// article), so reports compute cluster-bootstrap intervals and cluster permutation tests over its groups:
    /// <see cref="AutoCluster"/> (the default) uses "paragraph" when every item has it (SQuAD) and treats items as
    /// independent otherwise; a field name uses that field (every item must have it); <see langword="null"/> or empty
    /// treats items as independent.
    /// </summary>
    public string? ClusterBy { get; set; } = AutoCluster;

    /// <summary>The value of <see cref="ClusterBy"/> that picks the grouping field from the data: "auto".</summary>
    public const string AutoCluster = "auto";
}
