namespace LlmStrategies.Postgres.Retrieval;

/// <summary>
/// A result list already fetched from the database, presented as a retriever so that the core's
/// <c>HybridRetriever</c> fuses it: the lists come from one round trip, the fusion is the library's own code.
/// </summary>
internal sealed class FetchedList(IReadOnlyList<RetrievedChunk> chunks) : IRetriever
{
    public static FetchedList Empty { get; } = new([]);

    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(chunks);
}
