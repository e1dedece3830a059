namespace LlmStrategies;

/// <summary>A piece of a source document returned by a retriever.</summary>
public sealed class RetrievedChunk
{
    /// <summary>Gets the chunk's text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the relevance score; higher is better.</summary>
    public double Score { get; init; }
}
