namespace LlmStrategies.Retrieval;

/// <summary>Copies of retrieved chunks with a new score or retriever name (the records are immutable).</summary>
internal static class RetrievedChunkCopies
{
    public static RetrievedChunk With(this RetrievedChunk chunk, string? retrieverName = null, double? score = null) => new()
    {
        ChunkId = chunk.ChunkId,
        SourceId = chunk.SourceId,
        Text = chunk.Text,
        StartOffset = chunk.StartOffset,
        Length = chunk.Length,
        Metadata = chunk.Metadata,
        Score = score ?? chunk.Score,
        RetrieverName = retrieverName ?? chunk.RetrieverName,
    };
}
