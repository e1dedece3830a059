namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>One epoch of adapter training.</summary>
/// <param name="Epoch">The 1-based epoch (0 is the untrained identity adapter).</param>
/// <param name="TrainingLoss">The mean contrastive loss over the epoch's batches (0 for epoch 0).</param>
/// <param name="DevelopmentMrr">The development pairs' mean reciprocal rank at 10 after the epoch, or NaN without development pairs.</param>
public sealed record EmbeddingAdapterEpoch(int Epoch, double TrainingLoss, double DevelopmentMrr);
