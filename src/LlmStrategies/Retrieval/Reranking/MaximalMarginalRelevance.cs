using System.Numerics.Tensors;

namespace LlmStrategies.Retrieval.Reranking;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein, 1998): greedily picks the candidate maximising
/// λ · sim(query, d) − (1 − λ) · max over picked s of sim(d, s), trading relevance against redundancy.
/// Similarities are cosine. Ties go to the earlier candidate. Shared by reranking and few-shot selection.
/// </summary>
internal static class MaximalMarginalRelevance
{
    /// <summary>Returns the indices of the selected candidates in selection order, with their MMR scores.</summary>
    public static List<(int Index, double Score)> Select(ReadOnlySpan<float> query, IReadOnlyList<ReadOnlyMemory<float>> candidates, int count, double lambda)
    {
        var relevance = new double[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            relevance[i] = TensorPrimitives.CosineSimilarity(query, candidates[i].Span);
        }

        return Select(relevance, (a, b) => TensorPrimitives.CosineSimilarity(candidates[a].Span, candidates[b].Span), count, lambda);
    }

    /// <summary>Greedy MMR over precomputed relevance and a pairwise similarity.</summary>
    public static List<(int Index, double Score)> Select(double[] relevance, Func<int, int, double> similarity, int count, double lambda)
    {
        var n = relevance.Length;
        var selected = new List<(int, double)>(Math.Min(count, n));
        var picked = new bool[n];

        // The largest similarity of each candidate to anything picked so far, updated after each pick.
        var redundancy = new double[n];
        Array.Fill(redundancy, double.NegativeInfinity);
        while (selected.Count < Math.Min(count, n))
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                if (picked[i])
                {
                    continue;
                }

                var score = selected.Count == 0 ? relevance[i] : (lambda * relevance[i]) - ((1 - lambda) * redundancy[i]);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = i;
                }
            }

            picked[best] = true;
            selected.Add((best, bestScore));
            for (var i = 0; i < n; i++)
            {
                if (!picked[i])
                {
                    redundancy[i] = Math.Max(redundancy[i], similarity(i, best));
                }
            }
        }

        return selected;
    }
}
