namespace LlmStrategies;

/// <summary>A piece of a source document, with the exact span it covers so that answers can cite it.</summary>
public sealed class TextChunk
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);

    /// <summary>Gets the chunk's identifier, unique within an index.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the identifier of the document the chunk was cut from.</summary>
    public required string SourceId { get; init; }

    /// <summary>Gets the chunk's text; equal to <c>source.Text.Substring(StartOffset, Length)</c> when offsets are known.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the offset, in UTF-16 characters, of the chunk's first character in its source, or -1 when unknown.</summary>
    public int StartOffset { get; init; } = -1;

    /// <summary>Gets the length, in UTF-16 characters, of the chunk in its source, or -1 when unknown.</summary>
    public int Length { get; init; } = -1;

    /// <summary>Gets the chunk's metadata (usually its document's); never <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>Creates the retrieval result for this chunk.</summary>
    /// <param name="score">The relevance score.</param>
    /// <param name="retrieverName">The name of the retriever, or <see langword="null"/>.</param>
    /// <returns>The retrieved chunk.</returns>
    public RetrievedChunk ToRetrieved(double score, string? retrieverName = null) => new()
    {
        ChunkId = Id,
        SourceId = SourceId,
        Text = Text,
        Score = score,
        StartOffset = StartOffset,
        Length = Length,
        Metadata = Metadata,
        RetrieverName = retrieverName,
    };

    /// <inheritdoc/>
    public override string ToString() => $"{SourceId}#{Id}";
}
