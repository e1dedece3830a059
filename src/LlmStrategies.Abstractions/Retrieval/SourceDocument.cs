namespace LlmStrategies;

/// <summary>A document to be chunked and indexed for retrieval.</summary>
public sealed class SourceDocument
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);

    /// <summary>Gets the document's identifier; chunks and citations refer to it.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the document's full text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the document's metadata, copied to every chunk cut from it.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;
}
