using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>Settings of <see cref="EmbeddingAdapterFineTuner"/>. Validated (with the nested <see cref="Training"/>) by a source-generated validator when the fine-tuner is created.</summary>
public sealed class EmbeddingAdapterFineTunerOptions
{
    /// <summary>Gets or sets the folder the trained adapters are saved in (one file per job, named after the job). Required.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "EmbeddingAdapterFineTunerOptions.OutputDirectory is required: the folder the trained adapters are saved in.")]
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the hyper-parameters. A request's <see cref="FineTuneRequest.Epochs"/>, <see cref="FineTuneRequest.Seed"/> and
    /// <see cref="FineTuneRequest.Hyperparameters"/> ("rank", "learning_rate", "temperature", "batch_size", "weight_decay",
    /// "patience", "hard_negatives") override them for that job.
    /// </summary>
    [Required(ErrorMessage = "EmbeddingAdapterFineTunerOptions.Training must not be null; keep the default hyper-parameters or set your own.")]
    [ValidateObjectMembers]
    public EmbeddingAdapterTrainingOptions Training { get; set; } = new();

    /// <summary>Gets or sets the fewest (query, passage) pairs a training file must hold. Default 10.</summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "EmbeddingAdapterFineTunerOptions.MinimumPairs must be at least 1 pair.")]
    public int MinimumPairs { get; set; } = 10;
}
