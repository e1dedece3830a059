namespace LlmStrategies;

/// <summary>Finds the chunks of a corpus that are most relevant to a query.</summary>
/// <remarks>
/// Implementations must be safe for concurrent use: a pipeline may call one retriever from many requests at once.
/// </remarks>
public interface IRetriever
{
    /// <summary>Returns the best chunks for <paramref name="request"/>, best first.</summary>
    /// <param name="request">What to search for, how many results and which metadata they must match.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>At most <see cref="RetrievalRequest.Top"/> chunks ordered by descending <see cref="RetrievedChunk.Score"/>.</returns>
    ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default);
}
