using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Hnsw;
using LlmStrategies.VectorSearch.Kernels;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <content>Building the graph: layer assignment, insertion, neighbour selection and node locks for parallel builds.</content>
public sealed unsafe partial class HnswVectorIndex<TKey>
{
    private protected override void OnRowsAppended(FloatRowBuffer rows, int from, int to)
    {
        var parallelism = Options.BuildParallelism;
        var count = to - from;
        if (parallelism <= 1 || count < 4 * parallelism)
        {
            var context = Rent();
            try
            {
                for (var node = from; node < to; node++)
                {
                    Insert(context, rows, node, to);
                }
            }
            finally
            {
                Return(context);
            }

            return;
        }

        // The first node of an empty graph becomes the entry point; the rest are claimed by the threads one at a time.
        var next = from;
        if (_entry < 0)
        {
            var context = Rent();
            Insert(context, rows, next++, to);
            Return(context);
        }

        _lockNodes = true;
        try
        {
            Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, _ =>
            {
                var context = Rent();
                try
                {
                    int node;
                    while ((node = Interlocked.Increment(ref next) - 1) < to)
                    {
                        Insert(context, rows, node, to);
                    }
                }
                finally
                {
                    Return(context);
                }
            });
        }
        finally
        {
            _lockNodes = false;
        }
    }

    /// <summary>The layer of <paramref name="slot"/>: a geometric draw with ratio 1/M from a hash of the seed and slot.</summary>
    internal int LevelFor(int slot)
    {
        var state = Options.Seed + ((ulong)slot * 0x9E3779B97F4A7C15UL);
        var z = state + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var uniform = ((z >> 11) + 0.5) * (1.0 / (1UL << 53));
        return Math.Min(MaxLevel, (int)(-Math.Log(uniform) * _levelMultiplier));
    }

    private void Insert(HnswContext context, FloatRowBuffer rows, int node, int limit)
    {
        var graph = _graph;
        var m = graph.M;
        var level = LevelFor(node);
        context.Ensure(limit, Options.EfConstruction, graph.MaxM0);
        new Span<int>(graph.Level0Links(node), graph.Stride0).Clear();
        if (level > 0)
        {
            graph.Upper[node] = new int[level * (m + 1)];
        }

        int entry, top;
        lock (_entryLock)
        {
            entry = _entry;
            top = _maxLevel;
            if (entry < 0)
            {
                _entry = node;
                _maxLevel = level;
                return;
            }
        }

        // A node that raises the top layer holds the entry lock for its whole insertion, as hnswlib does, so two such
        // nodes cannot race to become the entry point.
        var raisesTop = level > top;
        if (raisesTop)
        {
            _entryLock.Enter();
        }

        try
        {
            var query = rows.Row(node);
            var current = entry;
            var currentScore = Score(query, rows.Row(current));
            for (var l = top; l > level; l--)
            {
                Greedy(context, graph, rows, query, l, limit, ref current, ref currentScore, _lockNodes);
            }

            for (var l = Math.Min(level, top); l >= 0; l--)
            {
                LinkOnLayer(context, graph, rows, node, l, limit, ref current, ref currentScore);
            }

            if (raisesTop)
            {
                _entry = node;
                _maxLevel = level;
            }
        }
        finally
        {
            if (raisesTop)
            {
                _entryLock.Exit();
            }
        }
    }

    /// <summary>
    /// Links <paramref name="node"/> on layer <paramref name="level"/>: searches the layer from the current entry with
    /// efConstruction candidates, keeps M (2·M on layer 0) by the heuristic, then adds the node to each kept neighbour's
    /// list. The best candidate becomes the entry of the next layer down.
    /// </summary>
    private void LinkOnLayer(HnswContext context, HnswGraph graph, FloatRowBuffer rows, int node, int level, int limit, ref int current, ref float currentScore)
    {
        var ef = Options.EfConstruction;
        var noFilter = default(ResolvedFilter);
        var results = new TopK(context.ResultScores.AsSpan(0, ef), context.ResultIds.AsSpan(0, ef), ef);
        SearchLayer(context, graph, rows, rows.Row(node), current, currentScore, level, limit, ref results, null, ref noFilter, _lockNodes);
        var found = results.SortDescending();
        var selected = SelectNeighbors(rows, context.ResultScores, context.ResultIds, found, graph.M, context.Selected);

        LockNode(node);
        var own = level == 0 ? new Span<int>(graph.Level0Links(node), graph.Stride0) : graph.UpperLinks(node, level);
        context.Selected.AsSpan(0, selected).CopyTo(own[1..]);
        Volatile.Write(ref own[0], selected);
        UnlockNode(node);

        for (var i = 0; i < selected; i++)
        {
            Connect(context, graph, rows, context.Selected[i], node, level);
        }

        current = context.ResultIds[0];
        currentScore = context.ResultScores[0];
    }

    /// <summary>Adds <paramref name="node"/> to the links of <paramref name="neighbor"/>, re-selecting them with the heuristic when full.</summary>
    private void Connect(HnswContext context, HnswGraph graph, FloatRowBuffer rows, int neighbor, int node, int level)
    {
        var max = level == 0 ? graph.MaxM0 : graph.M;
        LockNode(neighbor);
        try
        {
            var links = level == 0 ? new Span<int>(graph.Level0Links(neighbor), graph.Stride0) : graph.UpperLinks(neighbor, level);
            var count = links[0];
            for (var i = 1; i <= count; i++)
            {
                if (links[i] == node)
                {
                    return;
                }
            }

            if (count < max)
            {
                links[count + 1] = node;
                Volatile.Write(ref links[0], count + 1);
                return;
            }

            // Full: keep the best `max` of the current links plus the new node, by the same diversity heuristic.
            var origin = rows.Row(neighbor);
            var scores = context.PruneScores;
            var ids = context.PruneIds;
            var n = 0;
            for (var i = 0; i <= count; i++)
            {
                var id = i < count ? links[i + 1] : node;
                var score = Score(origin, rows.Row(id));
                var p = n++;
                while (p > 0 && TopK.Better(score, id, scores[p - 1], ids[p - 1]))
                {
                    scores[p] = scores[p - 1];
                    ids[p] = ids[p - 1];
                    p--;
                }

                scores[p] = score;
                ids[p] = id;
            }

            var selected = SelectNeighbors(rows, scores, ids, n, max, context.Gathered);
            context.Gathered.AsSpan(0, selected).CopyTo(links[1..]);
            Volatile.Write(ref links[0], selected);
        }
        finally
        {
            UnlockNode(neighbor);
        }
    }

    /// <summary>
    /// The HNSW neighbour heuristic: walking candidates best-first, keep one only if it is closer to the base than to
    /// every neighbour already kept, which spreads links across directions. Fewer than <paramref name="max"/> candidates
    /// are kept as they are. Removed nodes (kept for routing) are considered only after every live candidate, so they
    /// give up their link slots as lists are re-selected; otherwise the removed copies an upsert leaves behind win the
    /// slots (equal scores, older ids first) and the live copy loses its incoming links.
    /// </summary>
    private int SelectNeighbors(FloatRowBuffer rows, float[] scores, int[] ids, int count, int max, int[] selected)
    {
        if (count <= max)
        {
            ids.AsSpan(0, count).CopyTo(selected);
            return count;
        }

        var kept = 0;
        var passes = HasRemovedRows ? 2 : 1;
        for (var pass = 0; pass < passes && kept < max; pass++)
        {
            for (var i = 0; i < count && kept < max; i++)
            {
                var candidate = ids[i];
                if (passes == 2 && IsRemovedForWriter(candidate) != (pass == 1))
                {
                    continue;
                }

                var row = rows.Row(candidate);
                var good = true;
                for (var j = 0; j < kept; j++)
                {
                    if (Score(row, rows.Row(selected[j])) > scores[i])
                    {
                        good = false;
                        break;
                    }
                }

                if (good)
                {
                    selected[kept++] = candidate;
                }
            }
        }

        return kept;
    }

    private void LockNode(int node)
    {
        if (!_lockNodes)
        {
            return;
        }

        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _nodeLocks[node], 1, 0) != 0)
        {
            spinner.SpinOnce();
        }
    }

    private void UnlockNode(int node)
    {
        if (_lockNodes)
        {
            Volatile.Write(ref _nodeLocks[node], 0);
        }
    }
}
