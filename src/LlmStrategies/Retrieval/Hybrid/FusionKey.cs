namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>What counts as "the same result" when lists are fused.</summary>
public enum FusionKey
{
    /// <summary>The same chunk id: a chunk found by several retrievers appears once, with the fused score. The default.</summary>
    Chunk,

    /// <summary>The same source document: one chunk per document is kept (the first listed, by retriever order then rank), credited with every list's best rank of that document.</summary>
    SourceDocument,
}
