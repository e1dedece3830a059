namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>How <see cref="HybridRetriever"/> combines the result lists of its retrievers.</summary>
public enum FusionMethod
{
    /// <summary>
    /// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): Σ weight / (k + rank). Uses ranks only, so retrievers
    /// with incomparable score scales combine safely, but a weak retriever's ranks count as much as a strong one's.
    /// </summary>
    ReciprocalRank,

    /// <summary>Weighted sum of scores scaled to [0, 1] per list ((s − min) / (max − min)); a chunk missing from a list gets 0 from it.</summary>
    MinMax,

    /// <summary>
    /// Weighted sum of z-scores per list ((s − mean) / standard deviation); a chunk missing from a list gets that list's
    /// lowest z-score. The default: scores keep how much better the top results are than the rest.
    /// </summary>
    ZScore,
}
