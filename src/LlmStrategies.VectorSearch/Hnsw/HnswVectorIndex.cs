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
public sealed unsafe partial class HnswVectorIndex<TKey> : VectorIndex<TKey>
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
