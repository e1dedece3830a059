namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>Fuses ranked result lists; shared by the hybrid and multi-query retrievers.</summary>
internal static class ResultFusion
{
    /// <summary>Fuses lists (each best first) with per-list weights into the top <paramref name="top"/>, deduplicated by the configured key.</summary>
    public static IReadOnlyList<RetrievedChunk> Fuse(IReadOnlyList<IReadOnlyList<RetrievedChunk>> lists, double[] weights, HybridRetrieverOptions options, int top, string retrieverName)
    {
        var fused = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var floors = new double[lists.Count];
        var order = 0;
        for (var r = 0; r < lists.Count; r++)
        {
            var list = Deduplicate(lists[r], options.DeduplicateBy);
            var normalized = Normalize(list, options.Method);

            // What a result this list missed gets from it: nothing for rank and min-max fusion, the lowest z-score otherwise.
            floors[r] = options.Method == FusionMethod.ZScore && normalized.Length > 0 ? normalized.Min() : 0.0;
            for (var rank = 0; rank < list.Count; rank++)
            {
                var key = Key(list[rank], options.DeduplicateBy);
                if (!fused.TryGetValue(key, out var entry))
                {
                    entry = new Entry(list[rank], order++, new double?[lists.Count]);
                    fused.Add(key, entry);
                }

                entry.Values[r] = options.Method == FusionMethod.ReciprocalRank ? 1.0 / (options.RrfK + rank + 1) : normalized[rank];
            }
        }

        return fused.Values
            .Select(e => (e.Chunk, e.Order, Score: e.Values.Select((v, r) => weights[r] * (v ?? floors[r])).Sum()))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Order)
            .Take(top)
            .Select(x => x.Chunk.With(retrieverName, x.Score))
            .ToArray();
    }

    private static string Key(RetrievedChunk chunk, FusionKey key) => key == FusionKey.SourceDocument ? chunk.SourceId : chunk.ChunkId;

    /// <summary>Keeps the first (best-ranked) occurrence of each key in one list.</summary>
    private static List<RetrievedChunk> Deduplicate(IReadOnlyList<RetrievedChunk> list, FusionKey key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<RetrievedChunk>(list.Count);
        foreach (var chunk in list)
        {
            if (seen.Add(Key(chunk, key)))
            {
                unique.Add(chunk);
            }
        }

        return unique;
    }

    private static double[] Normalize(List<RetrievedChunk> list, FusionMethod method)
    {
        var scores = list.Select(c => c.Score).ToArray();
        if (scores.Length == 0 || method == FusionMethod.ReciprocalRank)
        {
            return scores;
        }

        if (method == FusionMethod.MinMax)
        {
            var min = scores.Min();
            var range = scores.Max() - min;
            return scores.Select(s => range > 0 ? (s - min) / range : 1.0).ToArray();
        }

        var mean = scores.Average();
        var deviation = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Length);
        return scores.Select(s => deviation > 0 ? (s - mean) / deviation : 0.0).ToArray();
    }

    private sealed record Entry(RetrievedChunk Chunk, int Order, double?[] Values);
}
