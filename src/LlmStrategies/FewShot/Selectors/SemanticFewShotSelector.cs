using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Picks the examples whose inputs are nearest in meaning to the input: embeddings from any
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (for example the offline local model) in an exact SIMD cosine
/// index, kept in step with the store. Examples identical or near-identical to the input (by text, or by embedding
/// similarity ≥ <see cref="SemanticFewShotOptions.NearDuplicateSimilarity"/>) are never chosen. Scores are cosines.
/// </summary>
public sealed class SemanticFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned, IDisposable
{
    private readonly ExampleEmbeddingIndex _index;

    /// <summary>Creates the selector.</summary>
    /// <param name="store">The examples to pick from.</param>
    /// <param name="embeddings">Embeds example inputs and the current input.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public SemanticFewShotSelector(IExampleStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, SemanticFewShotOptions? options = null)
        => _index = new ExampleEmbeddingIndex(store, embeddings, options);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count == 0 || string.IsNullOrWhiteSpace(request.Input))
        {
            return [];
        }

        var (candidates, _) = await _index.CandidatesAsync(request, cancellationToken).ConfigureAwait(false);
        var chosen = candidates.Take(request.Count).Select(c => FewShotSelection.WithScore(c.Example, c.Score)).ToList();
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
            .Add("near-duplicate", _index.Options.NearDuplicateSimilarity)
            .Add("embedding-model", _index.Embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId)
            .AddComponent("guard", _index.Guard);
    }

    /// <inheritdoc/>
    public void Dispose() => _index.Dispose();
}
