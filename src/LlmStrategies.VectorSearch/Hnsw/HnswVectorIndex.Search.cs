using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Hnsw;
using LlmStrategies.VectorSearch.Kernels;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <content>Searching the graph: greedy descent through the upper layers and the best-first search of a layer.</content>
public sealed unsafe partial class HnswVectorIndex<TKey>
{
    private protected override int SearchCore(IndexSnapshot<TKey> snapshot, float* query, ref ResolvedFilter filter, Span<float> scores, Span<int> slots)
    {
        if (snapshot.Extension is not HnswView view || view.Entry < 0)
        {
            return 0;
        }

        var k = scores.Length;
        var ef = Math.Max(EfSearch, k);
        var graph = view.Graph;
        var rows = snapshot.Rows;
        var limit = snapshot.Count;
        var context = Rent();
        try
        {
            context.Ensure(limit, ef, graph.MaxM0);
            var current = view.Entry;
            var currentScore = Score(query, rows.Row(current));
            for (var level = view.MaxLevel; level > 0; level--)
            {
                Greedy(context, graph, rows, query, level, limit, ref current, ref currentScore, locked: false);
            }

            var results = new TopK(context.ResultScores.AsSpan(0, ef), context.ResultIds.AsSpan(0, ef), ef);
            SearchLayer(context, graph, rows, query, current, currentScore, 0, limit, ref results, snapshot, ref filter, locked: false);
            var found = Math.Min(results.SortDescending(), k);
            for (var i = 0; i < found; i++)
            {
                scores[i] = results.ScoreAt(i);
                slots[i] = results.SlotAt(i);
            }

            return found;
        }
        finally
        {
            Return(context);
        }
    }

    private void Greedy(HnswContext context, HnswGraph graph, FloatRowBuffer rows, float* query, int level, int limit, ref int current, ref float currentScore, bool locked)
    {
        var links = context.Links;
        var changed = true;
        while (changed)
        {
            changed = false;
            var n = ReadLinks(graph, current, level, links, locked);
            for (var i = 0; i < n; i++)
            {
                var id = links[i];
                if ((uint)id >= (uint)limit)
                {
                    continue;
                }

                var score = Score(query, rows.Row(id));
                if (score > currentScore)
                {
                    current = id;
                    currentScore = score;
                    changed = true;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchLayer(
        HnswContext context,
        HnswGraph graph,
        FloatRowBuffer rows,
        float* query,
        int entry,
        float entryScore,
        int level,
        int limit,
        ref TopK results,
        IndexSnapshot<TKey>? snapshot,
        ref ResolvedFilter filter,
        bool locked)
    {
        var d = Dimension;
        var euclidean = Metric == VectorMetric.Euclidean;
        context.NewEpoch();
        context.TryMark(entry);
        context.CandidateCount = 0;
        context.PushCandidate(entryScore, entry);
        if (Accept(snapshot, entry, ref filter))
        {
            results.Push(entryScore, entry);
        }

        var gathered = context.Gathered;
        fixed (float* gatheredScores = context.GatheredScores)
        {
            while (context.CandidateCount > 0)
            {
                var candidateScore = context.CandidateScores[0];
                var candidate = context.CandidateIds[0];
                if (results.IsFull && candidateScore < results.Threshold)
                {
                    break;
                }

                context.PopCandidate();
                if (level == 0 && context.CandidateCount > 0 && Sse.IsSupported)
                {
                    // The link list of the next candidate lives apart from its vector (hnswlib stores them together): start
                    // loading it now, so it is in cache once this node's neighbours are scored.
                    var next = (byte*)graph.Level0Links(context.CandidateIds[0]);
                    Sse.Prefetch0(next);
                    Sse.Prefetch0(next + 64);
                    Sse.Prefetch0(next + (graph.Stride0 * sizeof(int)) - 1);
                }

                var m = GatherUnvisited(context, graph, rows, candidate, level, limit, locked);
                ScoreGathered(query, rows, gathered, m, gatheredScores, d, euclidean);
                for (var i = 0; i < m; i++)
                {
                    var score = gatheredScores[i];
                    var id = gathered[i];
                    if (!results.IsFull || score >= results.Threshold)
                    {
                        context.PushCandidate(score, id);
                        if (Accept(snapshot, id, ref filter))
                        {
                            results.Push(score, id);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies the not yet visited neighbours of <paramref name="node"/> on <paramref name="level"/> (those inside the
    /// snapshot) into the context's gathered list, marking them visited and prefetching their rows; returns how many.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GatherUnvisited(HnswContext context, HnswGraph graph, FloatRowBuffer rows, int node, int level, int limit, bool locked)
    {
        var links = context.Links;
        var gathered = context.Gathered;
        var n = ReadLinks(graph, node, level, links, locked);
        var m = 0;
        for (var i = 0; i < n; i++)
        {
            var id = links[i];
            if ((uint)id < (uint)limit && context.TryMark(id))
            {
                gathered[m++] = id;
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(rows.Row(id));
                }
            }
        }

        return m;
    }

    /// <summary>Scores the first <paramref name="m"/> gathered rows against the query, four rows per kernel call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScoreGathered(float* query, FloatRowBuffer rows, int[] gathered, int m, float* scores, int d, bool euclidean)
    {
        var j = 0;
        for (; j <= m - 4; j += 4)
        {
            var r0 = rows.Row(gathered[j]);
            var r1 = rows.Row(gathered[j + 1]);
            var r2 = rows.Row(gathered[j + 2]);
            var r3 = rows.Row(gathered[j + 3]);
            if (euclidean)
            {
                FloatKernels.NegativeSquaredL2_1x4(query, r0, r1, r2, r3, d, scores + j);
            }
            else
            {
                FloatKernels.Dot1x4(query, r0, r1, r2, r3, d, scores + j);
            }
        }

        for (; j < m; j++)
        {
            scores[j] = Score(query, rows.Row(gathered[j]));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Accept(IndexSnapshot<TKey>? snapshot, int node, ref ResolvedFilter filter) =>
        snapshot is null || (snapshot.IsLive(node) && filter.Matches(node));

    /// <summary>Copies the links of <paramref name="node"/> on <paramref name="level"/> into <paramref name="destination"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReadLinks(HnswGraph graph, int node, int level, int[] destination, bool locked)
    {
        if (locked)
        {
            LockNode(node);
        }

        int n;
        if (level == 0)
        {
            var links = graph.Level0Links(node);
            n = Math.Min(Volatile.Read(ref links[0]), graph.MaxM0);
            new ReadOnlySpan<int>(links + 1, n).CopyTo(destination);
        }
        else
        {
            var upper = graph.Upper[node];
            var offset = (level - 1) * (graph.M + 1);
            if (upper is null || upper.Length < offset + graph.M + 1)
            {
                n = 0;
            }
            else
            {
                n = Math.Min(Volatile.Read(ref upper[offset]), graph.M);
                upper.AsSpan(offset + 1, n).CopyTo(destination);
            }
        }

        if (locked)
        {
            UnlockNode(node);
        }

        return n;
    }
}
