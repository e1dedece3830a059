namespace LlmStrategies.Postgres.Retrieval;

/// <summary>Which lists a <see cref="PostgresRetriever"/> ranks by.</summary>
public enum PostgresSearchMode
{
    /// <summary>Embedding similarity (pgvector) only.</summary>
    Vector,

    /// <summary>PostgreSQL full-text search only (no embedding model needed).</summary>
    Keyword,

    /// <summary>Both, fetched in one round trip and fused by <c>ScoreFusion</c>, as <c>HybridRetriever</c> fuses. The default.</summary>
    Hybrid,
}
