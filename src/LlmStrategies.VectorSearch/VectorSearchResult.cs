namespace LlmStrategies.VectorSearch;

/// <summary>One hit of a vector search: the stored key and its score (higher is better, see <see cref="VectorMetric"/>).</summary>
/// <typeparam name="TKey">The type of the keys the index stores.</typeparam>
/// <param name="Key">The key the vector was stored under.</param>
/// <param name="Score">The similarity score: inner product, cosine, or negative squared Euclidean distance.</param>
public readonly record struct VectorSearchResult<TKey>(TKey Key, float Score);
