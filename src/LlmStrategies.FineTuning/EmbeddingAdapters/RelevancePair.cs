namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>A query and a passage that answers it: one training pair for an <see cref="EmbeddingAdapter"/>.</summary>
/// <param name="Query">The query text.</param>
/// <param name="Passage">The relevant passage's text.</param>
/// <param name="PassageId">
/// The passage's identifier, or <see langword="null"/> to identify passages by their text. Pairs that share a passage
/// are never used as each other's negatives.
/// </param>
public sealed record RelevancePair(string Query, string Passage, string? PassageId = null);
