namespace LlmStrategies.Evaluation;

/// <summary>The train, dev and test parts of a dataset, as a <see cref="SplitManifest"/> assigns them.</summary>
public sealed class DatasetSplits
{
    internal DatasetSplits(SplitManifest manifest, EvaluationDataset train, EvaluationDataset dev, EvaluationDataset test)
    {
        Manifest = manifest;
        Train = train;
        Dev = dev;
        Test = test;
    }

    /// <summary>Gets the manifest the splits come from.</summary>
    public SplitManifest Manifest { get; }

    /// <summary>Gets the training part (the few-shot pool and fine-tuning data come from here).</summary>
    public EvaluationDataset Train { get; }

    /// <summary>Gets the development part.</summary>
    public EvaluationDataset Dev { get; }

    /// <summary>Gets the held-out test part; every strategy is scored on exactly these items.</summary>
    public EvaluationDataset Test { get; }
}
