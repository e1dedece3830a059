namespace LlmStrategies.VectorSearch;

/// <summary>One vector to add or upsert in a batch, with its key and optional metadata.</summary>
/// <typeparam name="TKey">The type of the keys the index stores.</typeparam>
/// <param name="Key">The key the vector is stored under; unique within the index.</param>
/// <param name="Vector">The vector; its length must equal the index dimension.</param>
/// <param name="Metadata">Optional single-valued string fields that <see cref="VectorFilter"/> can match, for example <c>source</c>.</param>
public readonly record struct VectorEntry<TKey>(TKey Key, ReadOnlyMemory<float> Vector, IReadOnlyDictionary<string, string>? Metadata = null)
    where TKey : notnull;
