namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>The outcome of <see cref="EmbeddingAdapterTrainer.Train"/>.</summary>
public sealed class EmbeddingAdapterTrainingResult
{
    /// <summary>
    /// Gets the adapter from the epoch with the best development score (epoch 0, the identity, when no epoch improved
    /// on the base model), or from the last epoch when there were no development pairs.
    /// </summary>
    public required EmbeddingAdapter Adapter { get; init; }

    /// <summary>Gets the epoch <see cref="Adapter"/> comes from (0: training did not improve on the base model).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Gets every epoch, starting with epoch 0 (the base model).</summary>
    public required IReadOnlyList<EmbeddingAdapterEpoch> Epochs { get; init; }

    /// <summary>Gets a value indicating whether training stopped before <see cref="EmbeddingAdapterTrainingOptions.MaxEpochs"/> because the development score stopped improving.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Gets the development MRR@10 of the base model (NaN without development pairs).</summary>
    public double BaseDevelopmentMrr => Epochs[0].DevelopmentMrr;

    /// <summary>Gets the development MRR@10 of <see cref="Adapter"/> (NaN without development pairs).</summary>
    public double BestDevelopmentMrr => Epochs[BestEpoch].DevelopmentMrr;
}
