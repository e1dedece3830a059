using System.Runtime.CompilerServices;

namespace LlmStrategies.VectorSearch.Hnsw;

/// <summary>
/// The link lists of an HNSW graph. Layer 0 is one pinned int array, <c>[count, id₀ … id₂ₘ₋₁]</c> per node, so
/// expanding a node reads one contiguous run; upper layers (a 1/M fraction of nodes) keep a small array per node.
/// Growth copies into a new graph object, so a reader holding an older one reads a frozen layer 0. The writer edits
/// lists in place; a concurrent reader may see a list mid-edit, but every id it can read names an existing node, and
/// readers ignore ids at or beyond their snapshot's row count.
/// </summary>
internal sealed unsafe class HnswGraph
{
    private readonly int[] _level0;

    private HnswGraph(int m, int capacity, int[] level0, int[]?[] upper)
    {
        M = m;
        MaxM0 = 2 * m;
        Stride0 = MaxM0 + 1;
        Capacity = capacity;
        _level0 = level0;
        Level0 = (int*)Unsafe.AsPointer(ref level0[0]);
        Upper = upper;
    }

    public int M { get; }

    public int MaxM0 { get; }

    public int Stride0 { get; }

    public int Capacity { get; }

    public int* Level0 { get; }

    /// <summary>Per node: null on layer 0 only, else <c>level × (M + 1)</c> ints, layer l ≥ 1 at <c>(l − 1)(M + 1)</c>.</summary>
    public int[]?[] Upper { get; }

    internal int[] Level0Array => _level0;

    public static HnswGraph Allocate(int m, int capacity) =>
        new(m, capacity, GC.AllocateArray<int>(Math.Max(1, capacity * ((2 * m) + 1)), pinned: true), new int[]?[capacity]);

    public HnswGraph Grow(int capacity, int used)
    {
        var grown = Allocate(M, capacity);
        _level0.AsSpan(0, used * Stride0).CopyTo(grown._level0);
        Upper.AsSpan(0, used).CopyTo(grown.Upper);
        return grown;
    }

    public int LevelOf(int node) => Upper[node] is { } upper ? upper.Length / (M + 1) : 0;

    /// <summary>The layer-0 link list of <paramref name="node"/>: element 0 is the count, then up to <see cref="MaxM0"/> ids.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int* Level0Links(int node) => Level0 + ((long)node * Stride0);

    /// <summary>The link list of <paramref name="node"/> on layer <paramref name="level"/> ≥ 1: element 0 is the count, then up to M ids.</summary>
    public Span<int> UpperLinks(int node, int level) => Upper[node].AsSpan((level - 1) * (M + 1), M + 1);
}
