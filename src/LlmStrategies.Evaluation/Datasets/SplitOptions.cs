namespace LlmStrategies.Evaluation;

/// <summary>How <see cref="DatasetSplitter"/> divides a dataset into train, dev and test.</summary>
public sealed class SplitOptions
{
    /// <summary>Gets or sets the random seed; the same seed and data give the same split on every machine. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the fraction of items (or groups) for training and the few-shot pool. Default 0.6.</summary>
    public double TrainFraction { get; set; } = 0.6;

    /// <summary>Gets or sets the fraction for development (tuning prompts and settings). Default 0.2.</summary>
    public double DevFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the fraction for the held-out test set. Default 0.2.</summary>
    public double TestFraction { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets a value indicating whether each label's items are divided in the same proportions (stratification).
    /// Default <see langword="true"/>; items without a label form one stratum.
    /// </summary>
    public bool StratifyByLabel { get; set; } = true;

    /// <summary>
    /// Gets or sets the metadata field whose value keeps items together (for example "article" for SQuAD: questions
    /// about one paragraph must not be both in the few-shot pool and in the test set). Default <see langword="null"/>:
    /// every item is its own group.
    /// </summary>
    public string? GroupBy { get; set; }
}
