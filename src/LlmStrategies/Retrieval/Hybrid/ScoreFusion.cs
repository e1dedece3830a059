namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>
/// Fuses ranked result lists into one: the fusion behind <see cref="HybridRetriever"/> and
/// <see cref="QueryExpansion.MultiQueryRetriever"/>, public so that other stores (the VectorData collection, a database)
/// fuse exactly the same way.
/// </summary>
/// <remarks>
/// <para>
/// Each list is best first; within a list, a key seen again is ignored (its best-ranked occurrence counts). A result's
/// fused score is Σ weightᵢ × valueᵢ over the lists, where valueᵢ depends on <see cref="FusionMethod"/>: 1 / (rrfK + rank)
/// with 1-based ranks (reciprocal rank; a list that missed the result adds 0), the score min-max scaled to [0, 1] per
/// list (a miss adds 0), or the score's z-score per list (a miss adds that list's lowest z-score).
/// </para>
/// <para>
/// Ties: results with exactly equal fused scores are ordered by key in DESCENDING ordinal order — the order trec_eval
/// (and pytrec_eval, ranx, ir_measures through it) re-sorts a run into (<c>comp_sim_docno</c> in trec_eval's
/// form_res_rels.c: score descending, then docno by reversed <c>strcmp</c>). An exported run therefore ranks, and
/// scores, the same in those tools as in this library, and the order never depends on which list came first.
/// </para>
/// </remarks>
public static class ScoreFusion
{
    /// <summary>Fuses <paramref name="lists"/> with per-list <paramref name="weights"/> into the best <paramref name="top"/> results.</summary>
    /// <typeparam name="T">What a result carries (a chunk, a stored row).</typeparam>
    /// <param name="lists">The ranked lists, each best first.</param>
    /// <param name="weights">One finite, non-negative weight per list.</param>
    /// <param name="method">How scores are combined.</param>
    /// <param name="rrfK">k of reciprocal rank fusion (used only by <see cref="FusionMethod.ReciprocalRank"/>); at least 1. Default 60.</param>
    /// <param name="top">How many results to return at most. Default all.</param>
    /// <returns>The fused results, best first, each with its fused score.</returns>
    /// <exception cref="ArgumentException">The weights do not match the lists, or a weight or score is not finite.</exception>
    public static IReadOnlyList<FusedResult<T>> Fuse<T>(IReadOnlyList<IReadOnlyList<FusionCandidate<T>>> lists, IReadOnlyList<double> weights, FusionMethod method, int rrfK = 60, int top = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(rrfK, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (weights.Count != lists.Count)
        {
            throw new ArgumentException($"There are {lists.Count} lists but {weights.Count} weights; give one weight per list.", nameof(weights));
        }

        var fused = new Dictionary<string, (T Item, double?[] Values)>(StringComparer.Ordinal);
        var floors = new double[lists.Count];
        for (var l = 0; l < lists.Count; l++)
        {
            if (!double.IsFinite(weights[l]) || weights[l] < 0)
            {
                throw new ArgumentException($"Weight {l} is {weights[l]}; weights must be finite and zero or more.", nameof(weights));
            }

            var list = Deduplicate(lists[l] ?? throw new ArgumentException($"List {l} is null.", nameof(lists)));
            var values = Values(list, method, rrfK);

            // What a result this list missed gets from it: nothing for rank and min-max fusion, the lowest z-score otherwise.
            floors[l] = method == FusionMethod.ZScore && values.Length > 0 ? values.Min() : 0.0;
            for (var rank = 0; rank < list.Count; rank++)
            {
                if (!fused.TryGetValue(list[rank].Key, out var entry))
                {
                    entry = (list[rank].Item, new double?[lists.Count]);
                    fused.Add(list[rank].Key, entry);
                }

                entry.Values[l] = values[rank];
            }
        }

        var results = new List<FusedResult<T>>(fused.Count);
        foreach (var (key, entry) in fused)
        {
            var score = 0.0;
            for (var l = 0; l < lists.Count; l++)
            {
                score += weights[l] * (entry.Values[l] ?? floors[l]);
            }

            results.Add(new FusedResult<T>(entry.Item, key, score));
        }

        results.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(b.Key, a.Key));
        if (results.Count > top)
        {
            results.RemoveRange(top, results.Count - top);
        }

        return results;
    }

    /// <summary>Keeps the first (best-ranked) occurrence of each key in one list.</summary>
    private static List<FusionCandidate<T>> Deduplicate<T>(IReadOnlyList<FusionCandidate<T>> list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<FusionCandidate<T>>(list.Count);
        foreach (var candidate in list)
        {
            ArgumentNullException.ThrowIfNull(candidate.Key, "FusionCandidate.Key");
            if (!double.IsFinite(candidate.Score))
            {
                throw new ArgumentException($"The score of '{candidate.Key}' is {candidate.Score}; fusion needs finite scores.", nameof(list));
            }

            if (seen.Add(candidate.Key))
            {
                unique.Add(candidate);
            }
        }

        return unique;
    }

    private static double[] Values<T>(List<FusionCandidate<T>> list, FusionMethod method, int rrfK)
    {
        var values = new double[list.Count];
        if (method == FusionMethod.ReciprocalRank)
        {
            for (var rank = 0; rank < values.Length; rank++)
            {
                values[rank] = 1.0 / (rrfK + rank + 1);
            }

            return values;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = list[i].Score;
        }

        if (values.Length == 0)
        {
            return values;
        }

        if (method == FusionMethod.MinMax)
        {
            var min = values.Min();
            var range = values.Max() - min;
            return values.Select(s => range > 0 ? (s - min) / range : 1.0).ToArray();
        }

        var mean = values.Average();
        var deviation = Math.Sqrt(values.Sum(s => (s - mean) * (s - mean)) / values.Length);
        return values.Select(s => deviation > 0 ? (s - mean) / deviation : 0.0).ToArray();
    }
}

/// <summary>One result of one ranked list, as <see cref="ScoreFusion"/> takes it.</summary>
/// <typeparam name="T">What the result carries.</typeparam>
/// <param name="Item">The result.</param>
/// <param name="Key">Its identity: results with equal keys are the same result (for example a chunk id, or a document id to fuse per document); also the tie-break key.</param>
/// <param name="Score">The score its list gave it (higher is better); used by the score-based methods.</param>
public readonly record struct FusionCandidate<T>(T Item, string Key, double Score);

/// <summary>One fused result.</summary>
/// <typeparam name="T">What the result carries.</typeparam>
/// <param name="Item">The result, as first seen in the lists.</param>
/// <param name="Key">Its identity.</param>
/// <param name="Score">Its fused score.</param>
public readonly record struct FusedResult<T>(T Item, string Key, double Score);
