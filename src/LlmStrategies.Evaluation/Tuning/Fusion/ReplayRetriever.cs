namespace LlmStrategies.Tuning;

/// <summary>
/// Answers each query with the list one real retriever returned for it, fetched once: the fusion tuner scores every
/// method × weight combination through <see cref="Retrieval.Hybrid.HybridRetriever"/> itself (so what is measured is what
/// is deployed) without querying the real retrievers again.
/// </summary>
internal sealed class ReplayRetriever(IReadOnlyDictionary<string, IReadOnlyList<RetrievedChunk>> lists, int depth) : IRetriever
{
    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Top != depth || !lists.TryGetValue(request.Query, out var list))
        {
            // An invariant of the tuner: it asks only for the fetched queries, at the fetched depth.
            throw new InvalidOperationException($"No list was fetched for '{request.Query}' at depth {request.Top} (fetched depth {depth}).");
        }

        return ValueTask.FromResult(list);
    }
}
