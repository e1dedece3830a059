using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval.Reranking;

/// <summary>
/// Reorders an inner retriever's candidates by maximal marginal relevance, so the context is relevant but not
/// repetitive: the candidates (and the query) are embedded in one batch call, then picked greedily by
/// λ · relevance − (1 − λ) · redundancy, where redundancy is the largest cosine to a chunk already picked. Relevance is
/// the inner retriever's score scaled to [0, 1] by default (keeping a strong ranker's judgement), or the query–chunk
/// cosine. Scores of the returned chunks are their MMR objective at selection time.
/// </summary>
public sealed class MmrReranker : IRetriever, IFingerprintable, IContentVersioned
{
    private readonly IRetriever _inner;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly double _lambda;
    private readonly int _candidates;
    private readonly MmrRelevance _relevance;

    /// <summary>Creates the reranker.</summary>
    /// <param name="inner">The retriever whose candidates are reordered.</param>
    /// <param name="embeddings">Embeds the query and the candidates.</param>
    /// <param name="lambda">Relevance weight λ in [0, 1]: 1 is pure relevance, 0 pure diversity. Default 0.7.</param>
    /// <param name="candidates">How many candidates to fetch from <paramref name="inner"/> (at least the requested top). Default 20.</param>
    /// <param name="relevance">What relevance means. Default the inner retriever's score.</param>
    public MmrReranker(IRetriever inner, IEmbeddingGenerator<string, Embedding<float>> embeddings, double lambda = 0.7, int candidates = 20, MmrRelevance relevance = MmrRelevance.InnerScore)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (!(lambda is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be between 0 (only diversity) and 1 (only relevance).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates);
        _inner = inner;
        _embeddings = embeddings;
        _lambda = lambda;
        _candidates = candidates;
        _relevance = relevance;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = await _inner.RetrieveAsync(new RetrievalRequest(request.Query, Math.Max(request.Top, _candidates), request.Filter), cancellationToken).ConfigureAwait(false);
        if (candidates.Count <= 1)
        {
            return candidates;
        }

        var vectors = await _embeddings.GenerateAsync([request.Query, .. candidates.Select(c => c.Text)], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (vectors.Count != candidates.Count + 1)
        {
            throw new InvalidOperationException($"The embedding generator returned {vectors.Count} embeddings for {candidates.Count + 1} inputs.");
        }

        var dimension = vectors[0].Vector.Length;
        var n = candidates.Count;
        var query = new float[dimension];
        var rows = new float[n * dimension];
        var relevance = new float[n];
        MaximalMarginalRelevance.Normalize(vectors[0].Vector.Span, query);
        for (var i = 0; i < n; i++)
        {
            var row = rows.AsSpan(i * dimension, dimension);
            MaximalMarginalRelevance.Normalize(vectors[i + 1].Vector.Span, row);
            relevance[i] = System.Numerics.Tensors.TensorPrimitives.Dot(query, row);
        }

        if (_relevance == MmrRelevance.InnerScore)
        {
            var min = candidates.Min(c => c.Score);
            var range = candidates.Max(c => c.Score) - min;
            for (var i = 0; i < n; i++)
            {
                relevance[i] = range > 0 ? (float)((candidates[i].Score - min) / range) : 1f;
            }
        }

        var selected = new int[Math.Min(request.Top, n)];
        var scores = new float[selected.Length];
        var count = MaximalMarginalRelevance.Select(rows, dimension, relevance, _lambda, selected, scores, new float[n]);
        return Enumerable.Range(0, count).Select(k => candidates[selected[k]].With("mmr", scores[k])).ToArray();
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine(_inner);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("lambda", _lambda).Add("candidates", _candidates).Add("relevance", _relevance.ToString())
            .Add("embedding-model", _embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId)
            .AddComponent("inner", _inner);
    }
}
