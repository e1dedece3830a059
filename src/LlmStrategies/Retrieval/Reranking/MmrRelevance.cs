namespace LlmStrategies.Retrieval.Reranking;

/// <summary>What <see cref="MmrReranker"/> treats as a candidate's relevance.</summary>
public enum MmrRelevance
{
    /// <summary>The inner retriever's score, scaled to [0, 1] over the candidates: MMR then only demotes redundant chunks of a good ranking. The default.</summary>
    InnerScore,

    /// <summary>The cosine between the query's and the chunk's embeddings (classic MMR).</summary>
    Embedding,
}
