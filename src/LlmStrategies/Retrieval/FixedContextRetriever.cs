namespace LlmStrategies.Retrieval;

/// <summary>
/// Returns the same documents for every query (the first <see cref="RetrievalRequest.Top"/> that match the filter, in
/// the given order): the "put the whole small knowledge base in the prompt" strategy, and a simple stand-in in tests.
/// </summary>
public sealed class FixedContextRetriever : IRetriever, IFingerprintable
{
    private readonly RetrievedChunk[] _chunks;

    /// <summary>Creates the retriever.</summary>
    /// <param name="chunks">The chunks to return, in order.</param>
    public FixedContextRetriever(IEnumerable<RetrievedChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        _chunks = chunks.ToArray();
        if (Array.IndexOf(_chunks, null) >= 0)
        {
            throw new ArgumentException("The chunk list contains null; remove it.", nameof(chunks));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<RetrievedChunk> result = _chunks
            .Where(c => request.Filter is null || request.Filter.Matches(c.Metadata))
            .Take(request.Top)
            .ToArray();
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("count", _chunks.Length);
        foreach (var chunk in _chunks)
        {
            builder.Add("chunk", string.Concat(chunk.SourceId, "#", chunk.ChunkId, "\u001f", chunk.Text));
        }
    }
}
