namespace LlmStrategies;

/// <summary>A piece of a source document returned by a retriever, with where it came from and how well it matched.</summary>
public sealed class RetrievedChunk
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);

    /// <summary>Gets the identifier of the chunk, unique within its retriever's corpus.</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the identifier of the document the chunk was cut from; answers cite this.</summary>
    public required string SourceId { get; init; }

    /// <summary>Gets the chunk's text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the relevance score assigned by the retriever; higher is better. Scales differ between retrievers.</summary>
    public double Score { get; init; }

    /// <summary>Gets the offset, in UTF-16 characters, of the chunk's first character in its source document, or -1 when unknown.</summary>
    public int StartOffset { get; init; } = -1;

    /// <summary>Gets the length, in UTF-16 characters, of the chunk in its source document, or -1 when unknown.</summary>
    public int Length { get; init; } = -1;

    /// <summary>Gets the name of the retriever that produced the chunk, when it sets one.</summary>
    public string? RetrieverName { get; init; }

    /// <summary>Gets the chunk's metadata (for example title, section, language); never <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <inheritdoc/>
    public override string ToString() => $"{SourceId}#{ChunkId} ({Score:G4})";
}
