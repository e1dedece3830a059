using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>The cosine similarity between the response's embedding and the closest expected output's embedding.</summary>
public sealed class EmbeddingSimilarityEvaluator : IEvaluator
{
    /// <summary>The metric's name.</summary>
    public const string MetricName = "Embedding Similarity";

    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="embeddings">The embedding generator (for example the offline LocalEmbeddingGenerator).</param>
    public EmbeddingSimilarityEvaluator(IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        _embeddings = embeddings;
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [MetricName];

    /// <inheritdoc/>
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var expected = EvaluatorContexts.Find<ExpectedOutputsContext>(additionalContext);
        if (expected is null || expected.ExpectedOutputs.Count == 0)
        {
            return new EvaluationResult(EvaluatorContexts.NumericError(MetricName, EvaluatorContexts.MissingExpected(nameof(EmbeddingSimilarityEvaluator))));
        }

        var vectors = await _embeddings.GenerateAsync([modelResponse.Text, .. expected.ExpectedOutputs], cancellationToken: cancellationToken).ConfigureAwait(false);
        var best = double.NegativeInfinity;
        for (var i = 1; i < vectors.Count; i++)
        {
            best = Math.Max(best, VectorMath.Cosine(vectors[0].Vector.Span, vectors[i].Vector.Span));
        }

        return new EvaluationResult(new NumericMetric(MetricName, best));
    }
}
