namespace LlmStrategies.Retrieval.Chunking;

/// <summary>Creates chunks with deterministic ids ("documentId#n") and exact offsets into their document.</summary>
internal static class ChunkFactory
{
    public static TextChunk Create(SourceDocument document, int index, int start, int end) => new()
    {
        Id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{document.Id}#{index}"),
        SourceId = document.Id,
        Text = document.Text[start..end],
        StartOffset = start,
        Length = end - start,
        Metadata = document.Metadata,
    };

    public static void Validate(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrWhiteSpace(document.Id, "document.Id");
        ArgumentNullException.ThrowIfNull(document.Text, "document.Text");
    }
}
