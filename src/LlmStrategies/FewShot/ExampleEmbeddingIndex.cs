using System.Buffers;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FewShot;

/// <summary>
/// The embeddings of an example store's inputs in an exact cosine index, kept in step with the store: when the store's
/// version changes, only new or changed inputs are embedded and removed examples are dropped. With the selector's
/// validated options and leakage guard, it finds the candidates; shared by the semantic and MMR selectors.
/// </summary>
internal sealed class ExampleEmbeddingIndex : IDisposable
{
    private readonly IExampleStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private FlatVectorIndex<string>? _index;
    private Dictionary<string, FewShotExample> _examples = new(StringComparer.Ordinal);
    private long _version = -1;

    /// <summary>Gets the store the examples come from.</summary>
    public IExampleStore Store => _store;

    public ExampleEmbeddingIndex(IExampleStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, SemanticFewShotOptions? options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddings);
        Options = ValidatedOptions.ThrowIfInvalid(new SemanticFewShotOptionsValidator(), options ?? new SemanticFewShotOptions());
        Guard = Options.Guard ?? new LeakageGuard();
        _store = store;
        _embeddings = embeddings;
    }

    public IEmbeddingGenerator<string, Embedding<float>> Embeddings => _embeddings;

    /// <summary>Gets the selector's validated options.</summary>
    public SemanticFewShotOptions Options { get; }

    /// <summary>Gets the leakage guard every candidate passes.</summary>
    public LeakageGuard Guard { get; }

    /// <summary>Brings the index up to date with the store and returns it with the current examples (null index when empty).</summary>
    public async Task<(FlatVectorIndex<string>? Index, Dictionary<string, FewShotExample> Examples)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _version) == _store.Version)
        {
            return (_index, _examples);
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var version = _store.Version;
            if (_version == version)
            {
                return (_index, _examples);
            }

            var examples = (await _store.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Id, StringComparer.Ordinal);
            var changed = examples.Values.Where(e => !_examples.TryGetValue(e.Id, out var old) || old.Input != e.Input).ToList();
            foreach (var batch in changed.Chunk(64))
            {
                var vectors = await _embeddings.GenerateAsync(batch.Select(e => e.Input), cancellationToken: cancellationToken).ConfigureAwait(false);
                _index ??= new FlatVectorIndex<string>(vectors[0].Vector.Length, VectorMetric.Cosine, StringComparer.Ordinal);
                if (vectors[0].Vector.Length != _index.Dimension)
                {
                    throw new InvalidOperationException($"The embedding model returned {vectors[0].Vector.Length}-dimensional vectors for the examples, but earlier ones had {_index.Dimension}; use one model.");
                }

                _index.UpsertRange(batch.Select((e, i) => new VectorEntry<string>(e.Id, vectors[i].Vector)));
            }

            var removed = _examples.Keys.Where(id => !examples.ContainsKey(id)).ToArray();
            if (removed.Length > 0)
            {
                _index?.RemoveRange(removed);
            }

            _examples = examples;
            Volatile.Write(ref _version, version);
            return (_index, _examples);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// Embeds the input and returns the best candidates (best first; up to <see cref="SemanticFewShotOptions.CandidateFactor"/>
    /// × the count + 8 are considered) that pass the request filter and both leakage checks.
    /// </summary>
    public async Task<(List<(FewShotExample Example, float Score)> Candidates, FlatVectorIndex<string>? Index)> CandidatesAsync(
        FewShotRequest request, CancellationToken cancellationToken)
    {
        var fetch = (request.Count * Options.CandidateFactor) + 8;
        var (index, examples) = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var query = (await _embeddings.GenerateAsync([request.Input], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector.ToArray();
        var candidates = new List<(FewShotExample, float)>();
        if (index is null || index.Count == 0)
        {
            return (candidates, index);
        }

        fetch = Math.Min(fetch, index.Count);
        var hits = ArrayPool<VectorSearchResult<string>>.Shared.Rent(fetch);
        try
        {
            var found = index.SearchInto(query, hits.AsSpan(0, fetch));
            for (var i = 0; i < found; i++)
            {
                var example = examples[hits[i].Key];
                if (hits[i].Score >= Options.NearDuplicateSimilarity || Guard.IsLeak(request.Input, example.Input)
                    || (request.Filter is not null && !request.Filter.Matches(example.Metadata)))
                {
                    continue;
                }

                candidates.Add((example, hits[i].Score));
            }
        }
        finally
        {
            ArrayPool<VectorSearchResult<string>>.Shared.Return(hits);
        }

        return (candidates, index);
    }

    public void Dispose()
    {
        _index?.Dispose();
        _refresh.Dispose();
    }
}
