using LlmStrategies.Pipeline;
namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>
/// Queries several retrievers in parallel (for example BM25 and embeddings) and fuses their lists into one: by weighted
/// z-scores (default), weighted min-max scores or weighted reciprocal rank. A result found by several retrievers appears
/// once and collects each retriever's contribution; a retriever listing the same result twice counts its best rank.
/// Results with equal fused scores are ordered by key, as <see cref="ScoreFusion"/> documents.
/// </summary>
/// <remarks>
/// <para>
/// The fusion method and the weights decide whether the hybrid beats its best single retriever, and the right choice
/// depends on the corpus: the defaults (z-score, equal weights) are a starting point, not a measured optimum for your
/// data. On a BEIR data set this project had not seen they scored significantly below BM25 alone (nDCG@10 0.647 against
/// 0.678); with the weight chosen on that data set's train queries the hybrid tied BM25.
/// </para>
/// <para>
/// Tune them on labelled queries without any model call: <c>HybridFusionTuner</c> in the LlmStrategies.Evaluation
/// package retrieves each training query once per retriever, scores every method × weight combination by nDCG@k on the
/// queries' relevance judgements, and returns the best as a retriever built with <see cref="WithFusion"/>; its
/// <c>EvaluateOnTestAsync</c> then reports the choice once on held-out queries, against each single retriever and the
/// untuned default.
/// </para>
/// <code>
/// var hybrid = new HybridRetriever([new(bm25, 1, "bm25"), new(vector, 1, "vector")]);
/// var tuning = await new HybridFusionTuner().TuneAsync(hybrid, splits.Train.Items);   // labelled train queries
/// var report = await tuning.EvaluateOnTestAsync(splits.Test);                          // once, on held-out queries
/// IRetriever tuned = tuning.Retriever;                                                 // hybrid.WithFusion(chosen options, chosen weights)
/// </code>
/// </remarks>
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

    /// <summary>Gets the retrievers and their weights, in fusion order.</summary>
    public IReadOnlyList<WeightedRetriever> Retrievers => _retrievers;

    /// <summary>Gets a copy of the settings.</summary>
    public HybridRetrieverOptions Options => new()
    {
        Method = _options.Method,
        RrfK = _options.RrfK,
        CandidatesPerRetriever = _options.CandidatesPerRetriever,
        DeduplicateBy = _options.DeduplicateBy,
    };

    /// <summary>
    /// A retriever over the same retrievers (same names, same order) with other fusion settings and weights, for example
    /// the ones a tuner chose on labelled queries.
    /// </summary>
    /// <param name="options">The new settings.</param>
    /// <param name="weights">One positive, finite weight per retriever, in <see cref="Retrievers"/> order.</param>
    /// <returns>The new retriever; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">The number of weights is not the number of retrievers.</exception>
    public HybridRetriever WithFusion(HybridRetrieverOptions options, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != _retrievers.Length)
        {
            throw new ArgumentException($"The hybrid has {_retrievers.Length} retrievers but {weights.Count} weights were given; give one per retriever, in order.", nameof(weights));
        }

        return new HybridRetriever(_retrievers.Select((r, i) => new WeightedRetriever(r.Retriever, weights[i], r.Name)), options);
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
