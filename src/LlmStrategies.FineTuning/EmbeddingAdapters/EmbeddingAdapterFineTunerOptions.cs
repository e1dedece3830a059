namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>Settings of <see cref="EmbeddingAdapterFineTuner"/>.</summary>
public sealed class EmbeddingAdapterFineTunerOptions
{
    /// <summary>Gets or sets the folder the trained adapters are saved in (one file per job, named after the job). Required.</summary>
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the hyper-parameters. A request's <see cref="FineTuneRequest.Epochs"/>, <see cref="FineTuneRequest.Seed"/> and
    /// <see cref="FineTuneRequest.Hyperparameters"/> ("rank", "learning_rate", "temperature", "batch_size", "weight_decay",
    /// "patience", "hard_negatives") override them for that job.
    /// </summary>
    public EmbeddingAdapterTrainingOptions Training { get; set; } = new();

    /// <summary>Gets or sets the fewest (query, passage) pairs a training file must hold. Default 10.</summary>
    public int MinimumPairs { get; set; } = 10;
}
