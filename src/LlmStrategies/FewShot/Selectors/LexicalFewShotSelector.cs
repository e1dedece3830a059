using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Picks the examples whose inputs share the most informative words with the input (BM25 over the example inputs).
/// The keyword index is rebuilt when the store changes. Scores are BM25 scores.
/// </summary>
public sealed class LexicalFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned, IDisposable
{
    private readonly IExampleStore _store;
    private readonly LeakageGuard _guard;
    private readonly FewShotOrder _order;
    private readonly Bm25Options _options;
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private (long Version, Bm25Index Index, Dictionary<string, FewShotExample> Examples)? _state;

    /// <summary>Creates the selector.</summary>
    /// <param name="store">The examples to pick from.</param>
    /// <param name="order">How the chosen examples are ordered. Default most similar last.</param>
    /// <param name="guard">Blocks examples that repeat the input; <see langword="null"/> for the default guard.</param>
    /// <param name="options">BM25 settings; <see langword="null"/> for the defaults.</param>
    public LexicalFewShotSelector(IExampleStore store, FewShotOrder order = FewShotOrder.MostSimilarLast, LeakageGuard? guard = null, Bm25Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _order = order;
        _guard = guard ?? new LeakageGuard();
        _options = options ?? new Bm25Options();
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count == 0 || string.IsNullOrWhiteSpace(request.Input))
        {
            return [];
        }

        var (_, index, examples) = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (examples.Count == 0)
        {
            return [];
        }

        // Fetch extra candidates: the filter and the leakage guard may reject some.
        var hits = index.Search(request.Input, Math.Min(examples.Count, (request.Count * 4) + 8));
        var ranked = hits.Select(h => FewShotSelection.WithScore(examples[h.Chunk.Id], h.Score));
        return FewShotSelection.Finish(ranked, request, _guard, _order);
    }

    /// <summary>Gets the example store's version, so a strategy's fingerprint follows edits of the store.</summary>
    public long ContentVersion => ContentVersions.Of(_store);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddComponent("store", _store);
        builder.Add("order", _order.ToString()).Add("k1", _options.K1).Add("b", _options.B).AddComponent("guard", _guard);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _state?.Index.Dispose();
        _rebuild.Dispose();
    }

    private async Task<(long, Bm25Index, Dictionary<string, FewShotExample>)> CurrentAsync(CancellationToken cancellationToken)
    {
        var state = _state;
        if (state is { } current && current.Version == _store.Version)
        {
            return current;
        }

        await _rebuild.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state is { } fresh && fresh.Version == _store.Version)
            {
                return fresh;
            }

            var version = _store.Version;
            var examples = await _store.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var index = new Bm25Index(_options);
            index.AddRange(examples.Select(e => new TextChunk { Id = e.Id, SourceId = e.Id, Text = e.Input }));
            var built = (version, index, examples.ToDictionary(e => e.Id, StringComparer.Ordinal));
            _state = built;

            // Searches already running keep the old index alive through their local reference; it is dropped, not disposed.
            return built;
        }
        finally
        {
            _rebuild.Release();
        }
    }
}
