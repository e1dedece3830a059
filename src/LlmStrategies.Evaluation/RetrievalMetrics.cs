namespace LlmStrategies.Evaluation;

/// <summary>
/// Ranking metrics for one query, following trec_eval's definitions (the ones BEIR and pytrec_eval report): recall@k,
/// reciprocal rank and nDCG@k with linear gains (DCG = Σ gainᵢ / log₂(i + 1), i the 1-based rank; the ideal DCG sorts
/// all judged gains). A document listed twice counts once, at its best rank.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>The fraction of the relevant documents found in the first <paramref name="k"/> results.</summary>
    /// <param name="ranked">Document ids, best first.</param>
    /// <param name="relevant">The relevant document ids; when empty the recall is 0.</param>
    /// <param name="k">The cut-off; positive.</param>
    /// <returns>Recall@k in [0, 1].</returns>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        Validate(ranked, relevant, k);
        if (relevant.Count == 0)
        {
            return 0;
        }

        var found = TopUnique(ranked, k).Count(relevant.Contains);
        return (double)found / relevant.Count;
    }

    /// <summary>1 / rank of the first relevant document within the first <paramref name="k"/> results, or 0.</summary>
    /// <param name="ranked">Document ids, best first.</param>
    /// <param name="relevant">The relevant document ids.</param>
    /// <param name="k">The cut-off; positive (use <see cref="int.MaxValue"/> for none).</param>
    /// <returns>The reciprocal rank in [0, 1].</returns>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k = int.MaxValue)
    {
        Validate(ranked, relevant, k);
        var rank = 0;
        foreach (var id in TopUnique(ranked, k))
        {
            rank++;
            if (relevant.Contains(id))
            {
                return 1.0 / rank;
            }
        }

        return 0;
    }

    /// <summary>Normalised discounted cumulative gain at <paramref name="k"/> with graded relevance.</summary>
    /// <param name="ranked">Document ids, best first.</param>
    /// <param name="gains">The relevance grade of each judged document (grades ≤ 0 count as not relevant).</param>
    /// <param name="k">The cut-off; positive.</param>
    /// <returns>nDCG@k in [0, 1]; 0 when no document has a positive grade.</returns>
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, double> gains, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(gains);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var dcg = 0.0;
        var position = 0;
        foreach (var id in TopUnique(ranked, k))
        {
            position++;
            if (gains.TryGetValue(id, out var gain) && gain > 0)
            {
                dcg += gain / Math.Log2(position + 1);
            }
        }

        var ideal = 0.0;
        position = 0;
        foreach (var gain in gains.Values.Where(g => g > 0).OrderByDescending(g => g).Take(k))
        {
            position++;
            ideal += gain / Math.Log2(position + 1);
        }

        return ideal > 0 ? dcg / ideal : 0;
    }

    /// <summary>nDCG@k with binary relevance (every relevant document has gain 1).</summary>
    /// <param name="ranked">Document ids, best first.</param>
    /// <param name="relevant">The relevant document ids.</param>
    /// <param name="k">The cut-off; positive.</param>
    /// <returns>nDCG@k in [0, 1].</returns>
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(relevant);
        return NdcgAt(ranked, relevant.ToDictionary(id => id, _ => 1.0, StringComparer.Ordinal), k);
    }

    private static void Validate(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
    }

    private static IEnumerable<string> TopUnique(IReadOnlyList<string> ranked, int k)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ranked)
        {
            if (seen.Count == k)
            {
                yield break;
            }

            if (seen.Add(id))
            {
                yield return id;
            }
        }
    }
}
