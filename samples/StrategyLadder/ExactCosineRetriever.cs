using LlmStrategies;
using Microsoft.Extensions.AI;

namespace StrategyLadder;

/// <summary>
/// An exact (brute-force) vector retriever: cosine similarity of the query's embedding with every chunk's embedding.
/// It is here because the library has no vector retriever yet; the SIMD vector index (LlmStrategies.VectorSearch) will
/// replace it. Fine for a few thousand chunks: one query is a few thousand 512-d dot products.
/// </summary>
internal sealed class ExactCosineRetriever : IRetriever, IFingerprintable
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly TextChunk[] _chunks;
    private readonly float[][] _vectors;

    private ExactCosineRetriever(IEmbeddingGenerator<string, Embedding<float>> embeddings, TextChunk[] chunks, float[][] vectors)
    {
        _embeddings = embeddings;
        _chunks = chunks;
        _vectors = vectors;
    }

    public static async Task<ExactCosineRetriever> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, IReadOnlyList<TextChunk> chunks, CancellationToken cancellationToken = default)
    {
        var generated = await embeddings.GenerateAsync(chunks.Select(c => c.Text), cancellationToken: cancellationToken);
        return new ExactCosineRetriever(embeddings, chunks.ToArray(), generated.Select(e => Normalised(e.Vector.Span)).ToArray());
    }

    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = Normalised((await _embeddings.GenerateAsync([request.Query], cancellationToken: cancellationToken))[0].Vector.Span);
        var scored = new List<(int Index, float Score)>(_chunks.Length);
        for (var i = 0; i < _chunks.Length; i++)
        {
            if (request.Filter is null || request.Filter.Matches(_chunks[i].Metadata))
            {
                var dot = 0f;
                for (var d = 0; d < query.Length; d++)
                {
                    dot += query[d] * _vectors[i][d];
                }

                scored.Add((i, dot));
            }
        }

        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(request.Top)
            .Select(s => _chunks[s.Index].ToRetrieved(s.Score, "vector-exact")).ToArray();
    }

    public void AddToFingerprint(FingerprintBuilder builder) =>
        builder.Add("kind", "exact-cosine").Add("embeddings", _embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);

    private static float[] Normalised(ReadOnlySpan<float> vector)
    {
        var norm = 0.0;
        foreach (var v in vector)
        {
            norm += v * v;
        }

        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        var result = new float[vector.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = vector[i] * scale;
        }

        return result;
    }
}
