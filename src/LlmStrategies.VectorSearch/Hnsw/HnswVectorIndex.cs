using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Hnsw;
using LlmStrategies.VectorSearch.Kernels;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <summary>
/// Approximate search over a hierarchical navigable small-world graph (Malkov and Yashunin, 2016), following hnswlib:
/// greedy descent through the upper layers, then a best-first search of layer 0 keeping <see cref="EfSearch"/>
/// candidates, neighbours chosen with the paper's heuristic. Results carry exact scores but may miss true neighbours;
/// raise <see cref="EfSearch"/> for recall. With <see cref="HnswOptions.BuildParallelism"/> 1 the graph is a pure
/// function of the inserts and <see cref="HnswOptions.Seed"/>.
/// </summary>
/// <remarks>
/// Removing or replacing a key marks its node deleted: the node keeps routing searches but is never returned. Its
/// memory is reclaimed only by building a new index. Filters are applied while searching (nodes that fail still route),
/// so a very selective filter makes a search visit more of the graph; use <see cref="FlatVectorIndex{TKey}"/> for
/// filters that keep only a small fraction of the rows.
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
public sealed unsafe class HnswVectorIndex<TKey> : VectorIndex<TKey>
    where TKey : notnull
{
    private const int MaxLevel = 24;

    private readonly Lock _entryLock = new();
    private readonly HnswContext?[] _pool;
    private readonly double _levelMultiplier;
    private HnswGraph _graph;
    private int[] _nodeLocks;
    private bool _lockNodes;
    private int _entry = -1;
    private int _maxLevel = -1;
    private int _efSearch;

    /// <summary>Creates an empty HNSW index.</summary>
    /// <param name="dimension">The vector length, at least 1.</param>
    /// <param name="metric">How vectors are compared.</param>
    /// <param name="options">Graph parameters; null for the defaults (M 16, efConstruction 200, efSearch 64).</param>
    /// <param name="keyComparer">How keys are compared; null for the default comparer.</param>
    /// <param name="initialCapacity">Rows to reserve up front.</param>
    public HnswVectorIndex(int dimension, VectorMetric metric = VectorMetric.Cosine, HnswOptions? options = null, IEqualityComparer<TKey>? keyComparer = null, int initialCapacity = 0)
        : base(dimension, metric, keyComparer, initialCapacity)
    {
        Options = options ?? new HnswOptions();
        Options.Validate();
        _efSearch = Options.EfSearch;
        _levelMultiplier = 1 / Math.Log(Options.M);
        var capacity = Snapshot.Rows.Capacity;
        _graph = HnswGraph.Allocate(Options.M, capacity);
        _nodeLocks = new int[capacity];
        _pool = new HnswContext?[Math.Max(4, Environment.ProcessorCount * 2)];
    }

    /// <summary>The graph parameters this index was built with.</summary>
    public HnswOptions Options { get; }

    /// <summary>Candidate list size of a search (at least k is used). Higher gives better recall and slower searches; may be changed at any time.</summary>
    public int EfSearch
    {
        get => Volatile.Read(ref _efSearch);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _efSearch, value);
        }
    }

    private protected override bool CompactsRemovedRows => false;

    internal HnswGraph Graph => _graph;

    internal int EntryPoint => _entry;

    internal int TopLevel => _maxLevel;

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

    private protected override void OnRowsLoaded(FloatRowBuffer rows, int count)
    {
        // The persisted graph is restored by RestoreGraph; nothing to rebuild.
    }

    private protected override void OnCapacityChanged(int capacity, int used)
    {
        _graph = _graph.Grow(capacity, used);
        var locks = new int[capacity];
        _nodeLocks = locks;
    }

    private protected override void OnCompacted(FloatRowBuffer rows, int capacity, int count) =>
        throw new InvalidOperationException("The HNSW index keeps removed nodes for routing and never compacts.");

    private protected override object? CaptureExtension() => new HnswView(_graph, _entry, _maxLevel);

    /// <summary>Replaces the graph with a persisted one (under the write lock, before publication).</summary>
    internal void RestoreGraph(HnswGraph graph, int entry, int maxLevel)
    {
        _graph = graph;
        _nodeLocks = new int[graph.Capacity];
        _entry = entry;
        _maxLevel = maxLevel;
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

            var noFilter = default(ResolvedFilter);
            for (var l = Math.Min(level, top); l >= 0; l--)
            {
                var ef = Options.EfConstruction;
                var results = new TopK(context.ResultScores.AsSpan(0, ef), context.ResultIds.AsSpan(0, ef), ef);
                SearchLayer(context, graph, rows, query, current, currentScore, l, limit, ref results, null, ref noFilter, _lockNodes);
                var found = results.SortDescending();
                var selected = SelectNeighbors(rows, context.ResultScores, context.ResultIds, found, m, context.Selected);

                LockNode(node);
                var own = l == 0 ? new Span<int>(graph.Level0Links(node), graph.Stride0) : graph.UpperLinks(node, l);
                context.Selected.AsSpan(0, selected).CopyTo(own[1..]);
                Volatile.Write(ref own[0], selected);
                UnlockNode(node);

                for (var i = 0; i < selected; i++)
                {
                    Connect(context, graph, rows, context.Selected[i], node, l);
                }

                current = context.ResultIds[0];
                currentScore = context.ResultScores[0];
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

        var links = context.Links;
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

                var n = ReadLinks(graph, candidate, level, links, locked);
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

                var j = 0;
                for (; j <= m - 4; j += 4)
                {
                    var r0 = rows.Row(gathered[j]);
                    var r1 = rows.Row(gathered[j + 1]);
                    var r2 = rows.Row(gathered[j + 2]);
                    var r3 = rows.Row(gathered[j + 3]);
                    if (euclidean)
                    {
                        FloatKernels.NegativeSquaredL2_1x4(query, r0, r1, r2, r3, d, gatheredScores + j);
                    }
                    else
                    {
                        FloatKernels.Dot1x4(query, r0, r1, r2, r3, d, gatheredScores + j);
                    }
                }

                for (; j < m; j++)
                {
                    gatheredScores[j] = Score(query, rows.Row(gathered[j]));
                }

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

    private HnswContext Rent()
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            var context = Interlocked.Exchange(ref _pool[i], null);
            if (context is not null)
            {
                return context;
            }
        }

        return new HnswContext();
    }

    private void Return(HnswContext context)
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _pool[i], context, null) is null)
            {
                return;
            }
        }
    }

    /// <summary>The graph state published with a snapshot.</summary>
    private sealed record HnswView(HnswGraph Graph, int Entry, int MaxLevel);
}
