namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>Fuses lists of retrieved chunks with <see cref="ScoreFusion"/>; shared by the hybrid and multi-query retrievers.</summary>
internal static class ResultFusion
{
    /// <summary>Fuses lists (each best first) with per-list weights into the top <paramref name="top"/>, deduplicated by the configured key.</summary>
    public static IReadOnlyList<RetrievedChunk> Fuse(IReadOnlyList<IReadOnlyList<RetrievedChunk>> lists, double[] weights, HybridRetrieverOptions options, int top, string retrieverName)
    {
        var candidates = lists
            .Select(list => (IReadOnlyList<FusionCandidate<RetrievedChunk>>)list.Select(c => new FusionCandidate<RetrievedChunk>(c, Key(c, options.DeduplicateBy), c.Score)).ToArray())
            .ToArray();
        return ScoreFusion.Fuse(candidates, weights, options.Method, options.RrfK, top)
            .Select(r => r.Item.With(retrieverName, r.Score))
            .ToArray();
    }

    private static string Key(RetrievedChunk chunk, FusionKey key) => key == FusionKey.SourceDocument ? chunk.SourceId : chunk.ChunkId;
}
