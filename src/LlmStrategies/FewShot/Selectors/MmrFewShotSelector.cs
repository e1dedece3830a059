using LlmStrategies.Pipeline;
using System.Buffers;
using LlmStrategies.Retrieval.Reranking;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Picks relevant but mutually different examples by maximal marginal relevance: the nearest candidates by embedding
/// (as <see cref="SemanticFewShotSelector"/>, with the same leakage guards) are chosen greedily by
/// λ · similarity to the input − (1 − λ) · similarity to the examples already chosen. Scores are the MMR objective.
/// The scoring loop runs over pooled buffers and allocates nothing.
/// </summary>
public sealed class MmrFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned, IDisposable
{
    private readonly ExampleEmbeddingIndex _index;

    /// <summary>Creates the selector.</summary>
    /// <param name="store">The examples to pick from.</param>
    /// <param name="embeddings">Embeds example inputs and the current input.</param>
    /// <param name="options">Settings (λ in <see cref="SemanticFewShotOptions.Lambda"/>); <see langword="null"/> for the defaults.</param>
    public MmrFewShotSelector(IExampleStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, SemanticFewShotOptions? options = null)
        => _index = new ExampleEmbeddingIndex(store, embeddings, options);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count == 0 || string.IsNullOrWhiteSpace(request.Input))
        {
            return [];
        }

        var (candidates, index) = await _index.CandidatesAsync(request, cancellationToken).ConfigureAwait(false);
        if (index is null || candidates.Count == 0)
        {
            return [];
        }

        var chosen = Diversify(candidates, index, request.Count);
        return FewShotSelection.ForPrompt(chosen, _index.Options.Order);
    }

    /// <summary>Gets the example store's version, so a strategy's fingerprint follows edits of the store.</summary>
    public long ContentVersion => ContentVersions.Of(_index.Store);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddComponent("store", _index.Store);
        builder.Add("order", _index.Options.Order.ToString())
            .Add("lambda", _index.Options.Lambda)
            .Add("candidate-factor", _index.Options.CandidateFactor)
            .Add("near-duplicate", _index.Options.NearDuplicateSimilarity)
            .Add("embedding-model", _index.Embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId)
            .AddComponent("guard", _index.Guard);
    }

    /// <inheritdoc/>
    public void Dispose() => _index.Dispose();

    private List<FewShotExample> Diversify(List<(FewShotExample Example, float Score)> candidates, VectorSearch.FlatVectorIndex<string> index, int count)
    {
        var n = candidates.Count;
        var dimension = index.Dimension;
        var rows = ArrayPool<float>.Shared.Rent(n * dimension);
        var relevance = ArrayPool<float>.Shared.Rent(n);
        var redundancy = ArrayPool<float>.Shared.Rent(n);
        var selected = ArrayPool<int>.Shared.Rent(count);
        var scores = ArrayPool<float>.Shared.Rent(count);
        try
        {
            // The index stores cosine vectors normalised, so the rows read back are unit length.
            for (var i = 0; i < n; i++)
            {
                index.TryGetVector(candidates[i].Example.Id, rows.AsSpan(i * dimension, dimension));
                relevance[i] = candidates[i].Score;
            }

            var picked = MaximalMarginalRelevance.Select(
                rows.AsSpan(0, n * dimension), dimension, relevance.AsSpan(0, n), _index.Options.Lambda, selected.AsSpan(0, Math.Min(count, n)), scores, redundancy);
            var chosen = new List<FewShotExample>(picked);
            for (var k = 0; k < picked; k++)
            {
                chosen.Add(FewShotSelection.WithScore(candidates[selected[k]].Example, scores[k]));
            }

            return chosen;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<float>.Shared.Return(relevance);
            ArrayPool<float>.Shared.Return(redundancy);
            ArrayPool<int>.Shared.Return(selected);
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
