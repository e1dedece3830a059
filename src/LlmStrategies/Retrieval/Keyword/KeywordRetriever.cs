namespace LlmStrategies.Retrieval.Keyword;

/// <summary>
/// An <see cref="IRetriever"/> over a <see cref="Bm25Index"/>. Its fingerprint covers the scoring settings and the
/// index's content at the time the fingerprint is taken (build strategies after indexing).
/// </summary>
public sealed class KeywordRetriever : IRetriever, IFingerprintable
{
    private readonly Bm25Index _index;

    /// <summary>Creates the retriever.</summary>
    /// <param name="index">The index to search; it may keep changing.</param>
    /// <param name="name">The name reported in <see cref="RetrievedChunk.RetrieverName"/>.</param>
    public KeywordRetriever(Bm25Index index, string name = "bm25")
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _index = index;
        Name = name;
    }

    /// <summary>Gets the retriever's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var hits = _index.Search(request.Query, request.Top, request.Filter);
        var chunks = new RetrievedChunk[hits.Count];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = hits[i].Chunk.ToRetrieved(hits[i].Score, Name);
        }

        return ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(chunks);
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("name", Name).Add("k1", _index.K1).Add("b", _index.B).Add("content", _index.ContentFingerprint).AddComponent("analyzer", _index.Analyzer);
    }
}
