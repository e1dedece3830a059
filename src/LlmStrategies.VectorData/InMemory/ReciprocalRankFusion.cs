namespace LlmStrategies.VectorData;

/// <summary>
/// Weighted reciprocal rank fusion of two ranked lists (Cormack, Clarke and Büttcher, 2009). The library's own fusion
/// (LlmStrategies.Retrieval.Hybrid.ResultFusion) is internal and works on RetrievedChunk lists, so this two-list form over
/// stored rows lives here.
/// </summary>
internal static class ReciprocalRankFusion
{
    /// <summary>Fuses two lists (each best first, without repeats) into one, best first; ties keep first appearance (first list, then second).</summary>
    public static List<(StoredRecord<TKey> Row, double Score)> Fuse<TKey>(
        IReadOnlyList<StoredRecord<TKey>> first, double firstWeight, IReadOnlyList<StoredRecord<TKey>> second, double secondWeight, int k)
        where TKey : notnull
    {
        var fused = new Dictionary<long, (StoredRecord<TKey> Row, int Order, double Score)>();
        Add(first, firstWeight);
        Add(second, secondWeight);
        return fused.Values
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.Order)
            .Select(e => (e.Row, e.Score))
            .ToList();

        void Add(IReadOnlyList<StoredRecord<TKey>> list, double weight)
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var contribution = weight / (k + rank + 1);
                fused[list[rank].RowId] = fused.TryGetValue(list[rank].RowId, out var entry)
                    ? (entry.Row, entry.Order, entry.Score + contribution)
                    : (list[rank], fused.Count, contribution);
            }
        }
    }
}
