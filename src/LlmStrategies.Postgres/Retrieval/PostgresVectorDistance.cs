namespace LlmStrategies.Postgres.Retrieval;

/// <summary>How a chunk collection compares embeddings; fixed when the collection is created (its HNSW index is built for it).</summary>
public enum PostgresVectorDistance
{
    /// <summary>Cosine distance (pgvector's <c>&lt;=&gt;</c>); the score is the cosine similarity. The default.</summary>
    Cosine,

    /// <summary>Inner product (pgvector's <c>&lt;#&gt;</c>); the score is the inner product. Use it for embeddings normalised to length 1, where it ranks like cosine and is cheaper.</summary>
    InnerProduct,
}
