using LlmStrategies.Pipeline;
namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>
/// Queries several retrievers in parallel (for example BM25 and embeddings) and fuses their lists into one: by weighted
/// z-scores (default), weighted min-max scores or weighted reciprocal rank. A result found by several retrievers appears
/// once and collects each retriever's contribution; a retriever listing the same result twice counts its best rank.
/// Ties are broken by first appearance (retriever order, then rank).
/// </summary>
public sealed class HybridRetriever : IRetriever, IFingerprintable, IContentVersioned
{
    private readonly WeightedRetriever[] _retrievers;
    private readonly HybridRetrieverOptions _options;

    /// <summary>Creates the retriever.</summary>
    /// <param name="retrievers">The retrievers and their weights; at least one.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public HybridRetriever(IEnumerable<WeightedRetriever> retrievers, HybridRetrieverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(retrievers);
        _retrievers = retrievers.ToArray();
        if (_retrievers.Length == 0 || Array.IndexOf(_retrievers, null) >= 0)
        {
            throw new ArgumentException("Pass at least one retriever, and no null entries.", nameof(retrievers));
        }

        options = ValidatedOptions.ThrowIfInvalid(new HybridRetrieverOptionsValidator(), options ?? new HybridRetrieverOptions());

        _options = new HybridRetrieverOptions
        {
            Method = options.Method,
            RrfK = options.RrfK,
            CandidatesPerRetriever = options.CandidatesPerRetriever,
            DeduplicateBy = options.DeduplicateBy,
        };
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var depth = new RetrievalRequest(request.Query, Math.Max(request.Top, _options.CandidatesPerRetriever), request.Filter);
        var lists = await Task.WhenAll(_retrievers.Select(r => r.Retriever.RetrieveAsync(depth, cancellationToken).AsTask())).ConfigureAwait(false);
        return Fuse(lists, request.Top);
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine([.. _retrievers.Select(r => r.Retriever)]);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("method", _options.Method.ToString())
            .Add("rrf-k", _options.RrfK)
            .Add("candidates", _options.CandidatesPerRetriever)
            .Add("dedupe", _options.DeduplicateBy.ToString());
        for (var i = 0; i < _retrievers.Length; i++)
        {
            var prefix = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"retriever.{i}");
            builder.Add(prefix + ".name", _retrievers[i].Name).Add(prefix + ".weight", _retrievers[i].Weight).AddComponent(prefix, _retrievers[i].Retriever);
        }
    }

    /// <summary>Fuses ranked lists (one per retriever, in retriever order) into the top <paramref name="top"/>.</summary>
    internal IReadOnlyList<RetrievedChunk> Fuse(IReadOnlyList<IReadOnlyList<RetrievedChunk>> lists, int top)
    {
        for (var r = 0; r < lists.Count; r++)
        {
            if (lists[r] is null)
            {
                throw new InvalidOperationException($"Retriever '{_retrievers[r].Name}' returned null; return an empty list when nothing matches.");
            }
        }

        return ResultFusion.Fuse(lists, _retrievers.Select(r => r.Weight).ToArray(), _options, top, "hybrid");
    }
}
