using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// Hyper-parameters of <see cref="EmbeddingAdapterTrainer"/>. The defaults were chosen on SQuAD development articles
/// (a few thousand pairs of 512-d embeddings); with little data, a small rank and a low learning rate overfit least.
/// Validated by a source-generated validator when a trainer is created.
/// </summary>
public sealed class EmbeddingAdapterTrainingOptions : IValidatableObject
{
    /// <summary>Gets or sets the rank of the correction (capped at the embedding length). Default 16.</summary>
    [ValueRange(1, 4_096, ErrorMessage = "EmbeddingAdapterTrainingOptions.Rank must be between 1 and 4,096 (it is capped at the embedding length).")]
    public int Rank { get; set; } = 16;

    /// <summary>Gets or sets the softmax temperature of the contrastive loss. Default 0.05.</summary>
    [ValueRange(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "EmbeddingAdapterTrainingOptions.Temperature must be a positive, finite number, for example 0.05.")]
    public double Temperature { get; set; } = 0.05;

    /// <summary>Gets or sets Adam's learning rate. Default 0.0001.</summary>
    [ValueRange(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "EmbeddingAdapterTrainingOptions.LearningRate must be a positive, finite number, for example 0.0001.")]
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>Gets or sets the number of queries per mini-batch; the batch's other passages are each query's negatives. Default 128.</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "EmbeddingAdapterTrainingOptions.BatchSize must be between 1 and 1,000,000 queries.")]
    public int BatchSize { get; set; } = 128;

    /// <summary>
    /// Gets or sets how many hard negatives join each query's batch: the training passages most similar to the query
    /// under the base model that are not its own passage (mined once before training). They teach the fine
    /// distinctions between passages on the same topic, which random in-batch negatives rarely require. Default 0.
    /// </summary>
    [ValueRange(0, 1_000, ErrorMessage = "EmbeddingAdapterTrainingOptions.HardNegativesPerQuery must be between 0 and 1,000.")]
    public int HardNegativesPerQuery { get; set; }

    /// <summary>Gets or sets the most passes over the training pairs. Default 50.</summary>
    [ValueRange(1, 100_000, ErrorMessage = "EmbeddingAdapterTrainingOptions.MaxEpochs must be between 1 and 100,000.")]
    public int MaxEpochs { get; set; } = 50;

    /// <summary>Gets or sets how many epochs without a better development score end training early. Default 5.</summary>
    [ValueRange(1, 100_000, ErrorMessage = "EmbeddingAdapterTrainingOptions.Patience must be between 1 and 100,000 epochs.")]
    public int Patience { get; set; } = 5;

    /// <summary>
    /// Gets or sets the decoupled weight decay (AdamW): each step shrinks the parameters by learning rate × weight decay
    /// (0.1 % at the defaults), pulling the adapter towards the identity. Default 10.
    /// </summary>
    [ValueRange(0.0, double.MaxValue, ErrorMessage = "EmbeddingAdapterTrainingOptions.WeightDecay must be a finite number of at least 0.")]
    public double WeightDecay { get; set; } = 10;

    /// <summary>Gets or sets the random seed (initialisation and batch order); the same seed and data give the same adapter. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (LearningRate * WeightDecay >= 1)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"EmbeddingAdapterTrainingOptions.LearningRate × WeightDecay is {LearningRate * WeightDecay}; it must be below 1 (each step multiplies the parameters by 1 − LearningRate × WeightDecay)."),
                [nameof(LearningRate), nameof(WeightDecay)]);
        }
    }
}
