using System.Numerics.Tensors;

namespace LlmStrategies.Retrieval.Reranking;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein, 1998): greedily picks the candidate maximising
/// λ · relevance − (1 − λ) · max over picked s of sim(d, s), trading relevance against redundancy. Similarities are
/// dot products of L2-normalised rows (cosine). Ties go to the earlier candidate. The loop allocates nothing; callers
/// pass the work buffers. Shared by reranking and few-shot selection.
/// </summary>
internal static class MaximalMarginalRelevance
{
    /// <summary>Selects up to <paramref name="selected"/>.Length candidates.</summary>
    /// <param name="candidates">n rows of <paramref name="dimension"/> floats, each L2-normalised.</param>
    /// <param name="dimension">The row length.</param>
    /// <param name="relevance">Each candidate's relevance to the query (for example its cosine), length n.</param>
    /// <param name="lambda">λ in [0, 1].</param>
    /// <param name="selected">Receives the chosen candidate indices in selection order.</param>
    /// <param name="scores">Receives each chosen candidate's MMR objective at selection time.</param>
    /// <param name="redundancy">Work buffer of length n.</param>
    /// <returns>The number selected (the smaller of the buffer length and n).</returns>
    public static int Select(ReadOnlySpan<float> candidates, int dimension, ReadOnlySpan<float> relevance, double lambda, Span<int> selected, Span<float> scores, Span<float> redundancy)
    {
        var n = relevance.Length;
        var count = Math.Min(selected.Length, n);
        redundancy = redundancy[..n];
        redundancy.Fill(float.NegativeInfinity);
        for (var picked = 0; picked < count; picked++)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                if (float.IsNaN(redundancy[i]))
                {
                    continue;
                }

                var score = picked == 0 ? relevance[i] : (lambda * relevance[i]) - ((1 - lambda) * redundancy[i]);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = i;
                }
            }

            selected[picked] = best;
            scores[picked] = (float)bestScore;

            // NaN marks the picked candidate; the others remember their largest similarity to anything picked.
            redundancy[best] = float.NaN;
            var row = candidates.Slice(best * dimension, dimension);
            for (var i = 0; i < n; i++)
            {
                if (!float.IsNaN(redundancy[i]))
                {
                    redundancy[i] = Math.Max(redundancy[i], TensorPrimitives.Dot(candidates.Slice(i * dimension, dimension), row));
                }
            }
        }

        return count;
    }

    /// <summary>Copies <paramref name="vector"/> into <paramref name="destination"/> scaled to unit length (zero vectors stay zero).</summary>
    public static void Normalize(ReadOnlySpan<float> vector, Span<float> destination)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, destination);
        }
        else
        {
            destination.Clear();
        }
    }
}
