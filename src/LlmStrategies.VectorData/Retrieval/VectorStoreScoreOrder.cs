namespace LlmStrategies.VectorData;

/// <summary>Which way a collection's search scores point; set it to match the vector property's distance function.</summary>
public enum VectorStoreScoreOrder
{
    /// <summary>Higher is better: similarities (CosineSimilarity, DotProductSimilarity) and hybrid fusion scores. The default; scores are passed on unchanged.</summary>
    HigherIsBetter,

    /// <summary>Lower is better: distances (CosineDistance, EuclideanDistance, NegativeDotProductSimilarity...). Scores are negated so that <see cref="RetrievedChunk.Score"/> is higher for better chunks.</summary>
    LowerIsBetter,
}
