namespace LlmStrategies.Retrieval.Keyword;

/// <summary>
/// An <see cref="IRetriever"/> over a <see cref="Bm25Index"/>. Its fingerprint covers the scoring settings, the
/// analyzer and a digest of the index's content; as an <see cref="IContentVersioned"/> component it makes a strategy's
/// fingerprint follow the index when chunks are added or removed after the strategy was built.
/// </summary>
public sealed class KeywordRetriever : IRetriever, IFingerprintable, IContentVersioned
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
    public long ContentVersion => _index.Version;

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("name", Name).Add("k1", _index.K1).Add("b", _index.B).Add("content", _index.ContentFingerprint).AddComponent("analyzer", _index.Analyzer);
    }
}
