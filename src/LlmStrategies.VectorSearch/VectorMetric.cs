namespace LlmStrategies.VectorSearch;

/// <summary>How an index compares a query with its stored vectors. Every metric reports a score where higher is better.</summary>
public enum VectorMetric
{
    /// <summary>Inner product <c>q·x</c>. Use it for vectors that are already normalised, or when magnitude carries meaning.</summary>
    DotProduct = 1,

    /// <summary>
    /// Cosine similarity. Stored vectors are normalised once when they are added and queries once per search,
    /// so the score is the inner product of unit vectors, in [-1, 1]. Zero vectors are rejected.
    /// </summary>
    Cosine = 2,

    /// <summary>Euclidean distance, reported as the negative squared distance <c>-‖q − x‖²</c> so that higher is better (0 is an exact match).</summary>
    Euclidean = 3,
}
