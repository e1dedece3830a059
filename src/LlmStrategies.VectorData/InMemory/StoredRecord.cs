namespace LlmStrategies.VectorData;

/// <summary>One record as the collection keeps it: its own copies of the vectors, so later changes to the caller's record object change nothing.</summary>
/// <param name="RowId">The internal id the indexes know the record by; stable across upserts of the same key.</param>
/// <param name="Key">The record's key.</param>
/// <param name="Data">The data property values, in <c>CollectionModel.DataProperties</c> order.</param>
/// <param name="Vectors">The vectors (given or generated), in <c>CollectionModel.VectorProperties</c> order; null where the record has none.</param>
/// <param name="Metadata">The indexed data properties, encoded for filtering (<see cref="IndexedValues"/>).</param>
internal sealed record StoredRecord<TKey>(long RowId, TKey Key, object?[] Data, float[]?[] Vectors, IReadOnlyDictionary<string, string> Metadata)
    where TKey : notnull;
