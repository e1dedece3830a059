namespace LlmStrategies;

/// <summary>Cuts documents into chunks for indexing.</summary>
public interface ITextChunker
{
    /// <summary>Cuts <paramref name="document"/> into chunks, in document order.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The chunks; each keeps the document's id and metadata and its character offsets in the document.</returns>
    IEnumerable<TextChunk> Chunk(SourceDocument document);
}
