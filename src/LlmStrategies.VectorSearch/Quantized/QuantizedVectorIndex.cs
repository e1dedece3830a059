using System.Buffers;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Kernels;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <summary>
/// Int8 scalar-quantised search with exact re-scoring: a first pass scans one byte per dimension (a quarter of the
/// memory traffic of <see cref="FlatVectorIndex{TKey}"/>) with an integer dot product (VNNI where available) and keeps
/// the best <c>k × <see cref="RescoreMultiplier"/></c> candidates; a second pass re-scores those with the stored
/// float32 vectors and returns the exact scores of the best k. Recall is below 1 only when a true neighbour's
/// approximate score falls out of the candidate set; raise <see cref="RescoreMultiplier"/> to trade speed for recall.
/// Memory: the float32 rows (kept for re-scoring and <see cref="VectorIndex{TKey}.TryGetVector"/>) plus one byte per
/// dimension, padded to 64 bytes, and 8 bytes per row.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public sealed unsafe class QuantizedVectorIndex<TKey> : VectorIndex<TKey>
    where TKey : notnull
{
    /// <summary>The default <see cref="RescoreMultiplier"/>.</summary>
    public const int DefaultRescoreMultiplier = 4;

    private const int MinimumCandidates = 32;
    private const int StackLimit = 1024;

    private readonly int _stride;
    private QuantizedRows _codes;
    private int _rescoreMultiplier = DefaultRescoreMultiplier;

    /// <summary>Creates an empty int8 index.</summary>
    /// <param name="dimension">The vector length, at least 1.</param>
    /// <param name="metric">How vectors are compared.</param>
    /// <param name="keyComparer">How keys are compared; null for the default comparer.</param>
    /// <param name="initialCapacity">Rows to reserve up front.</param>
    public QuantizedVectorIndex(int dimension, VectorMetric metric = VectorMetric.Cosine, IEqualityComparer<TKey>? keyComparer = null, int initialCapacity = 0)
        : base(dimension, metric, keyComparer, initialCapacity)
    {
        _stride = Int8Kernels.Stride(dimension);
        _codes = QuantizedRows.Allocate(Snapshot.Rows.Capacity, _stride);
    }

    /// <summary>
    /// How many candidates per requested result the int8 pass keeps for float32 re-scoring (at least
    /// <c>max(k × multiplier, k + 32)</c>). Default <see cref="DefaultRescoreMultiplier"/>. May be changed at any time.
    /// </summary>
    public int RescoreMultiplier
    {
        get => Volatile.Read(ref _rescoreMultiplier);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _rescoreMultiplier, value);
        }
    }

    private protected override int SearchCore(IndexSnapshot<TKey> snapshot, float* query, ref ResolvedFilter filter, Span<float> scores, Span<int> slots)
    {
        var codes = (QuantizedRows)snapshot.Extension!;
        var k = scores.Length;
        var candidates = (int)Math.Min(Math.Max((long)k * RescoreMultiplier, k + MinimumCandidates), Math.Max(snapshot.LiveCount, k));
        if (candidates <= k)
        {
            var exact = new TopK(scores, slots, k);
            FlatVectorIndex<TKey>.ScanRows(snapshot, query, 0, snapshot.Count, ref filter, ref exact, Metric == VectorMetric.Euclidean);
            return exact.SortDescending();
        }

        float[]? rentedScores = null;
        int[]? rentedSlots = null;
        sbyte[]? rentedCodes = null;
        var approxScores = candidates <= StackLimit ? stackalloc float[candidates] : (rentedScores = ArrayPool<float>.Shared.Rent(candidates)).AsSpan(0, candidates);
        var approxSlots = candidates <= StackLimit ? stackalloc int[candidates] : (rentedSlots = ArrayPool<int>.Shared.Rent(candidates)).AsSpan(0, candidates);
        var queryCodes = _stride <= 4 * StackLimit ? stackalloc sbyte[_stride + 64] : (rentedCodes = ArrayPool<sbyte>.Shared.Rent(_stride + 64)).AsSpan(0, _stride + 64);
        try
        {
            fixed (sbyte* unaligned = queryCodes)
            {
                var q8 = (sbyte*)(((nint)unaligned + 63) & ~(nint)63);
                var approx = new TopK(approxScores, approxSlots, candidates);
                ScanCodes(snapshot, codes, query, q8, ref filter, ref approx);

                var top = new TopK(scores, slots, k);
                var rows = snapshot.Rows;
                for (var i = 0; i < approx.Count; i++)
                {
                    var slot = approx.SlotAt(i);
                    top.Push(Score(query, rows.Row(slot)), slot);
                }

                return top.SortDescending();
            }
        }
        finally
        {
            if (rentedScores is not null)
            {
                ArrayPool<float>.Shared.Return(rentedScores);
            }

            if (rentedSlots is not null)
            {
                ArrayPool<int>.Shared.Return(rentedSlots);
            }

            if (rentedCodes is not null)
            {
                ArrayPool<sbyte>.Shared.Return(rentedCodes);
            }
        }
    }

    private protected override void OnRowsAppended(FloatRowBuffer rows, int from, int to)
    {
        var codes = _codes;
        for (var slot = from; slot < to; slot++)
        {
            codes.Quantize(rows, slot);
        }
    }

    private protected override void OnCapacityChanged(int capacity, int used)
    {
        _codes = _codes.Grow(capacity, used);
    }

    private protected override void OnCompacted(FloatRowBuffer rows, int capacity, int count)
    {
        var codes = QuantizedRows.Allocate(capacity, _stride);
        for (var slot = 0; slot < count; slot++)
        {
            codes.Quantize(rows, slot);
        }

        _codes = codes;
    }

    private protected override object? CaptureExtension() => _codes;

    private void ScanCodes(IndexSnapshot<TKey> snapshot, QuantizedRows codes, float* query, sbyte* q8, ref ResolvedFilter filter, ref TopK top)
    {
        var d = Dimension;
        var queryScale = Int8Kernels.QuantizeQuery(query, d, q8, _stride, out var codeSum);
        var offset = 128 * codeSum;
        var euclidean = Metric == VectorMetric.Euclidean;
        var querySquaredNorm = euclidean ? FloatKernels.Dot(query, query, d) : 0f;
        var count = snapshot.Count;
        var scales = codes.Scales;
        var squaredNorms = codes.SquaredNorms;
        var bytes = codes.Bytes;
        for (var j = 0; j < count; j++)
        {
            Prefetch.Ahead(bytes.Row(j), _stride);
            var dot = scales[j] * queryScale * (Int8Kernels.DotU8S8(q8, bytes.Row(j), _stride) - offset);
            var score = euclidean ? (2 * dot) - querySquaredNorm - squaredNorms[j] : dot;
            if (score >= top.Threshold)
            {
                Offer(snapshot, score, j, ref filter, ref top);
            }
        }
    }

    private static void Offer(IndexSnapshot<TKey> snapshot, float score, int slot, ref ResolvedFilter filter, ref TopK top)
    {
        if (score >= top.Threshold && top.WouldAccept(score, slot) && snapshot.IsLive(slot) && filter.Matches(slot))
        {
            top.Push(score, slot);
        }
    }

    /// <summary>The int8 codes, per-row scales and squared norms; grown by copy so published instances stay valid.</summary>
    private sealed class QuantizedRows
    {
        private QuantizedRows(ByteRowBuffer bytes, float[] scales, float[] squaredNorms)
        {
            Bytes = bytes;
            Scales = scales;
            SquaredNorms = squaredNorms;
        }

        public ByteRowBuffer Bytes { get; }

        public float[] Scales { get; }

        public float[] SquaredNorms { get; }

        public static QuantizedRows Allocate(int capacity, int stride) =>
            new(ByteRowBuffer.Allocate(capacity, stride), new float[capacity], new float[capacity]);

        public QuantizedRows Grow(int capacity, int used)
        {
            var scales = new float[capacity];
            var norms = new float[capacity];
            Scales.AsSpan(0, used).CopyTo(scales);
            SquaredNorms.AsSpan(0, used).CopyTo(norms);
            return new QuantizedRows(Bytes.CopyTo(capacity, used), scales, norms);
        }

        public void Quantize(FloatRowBuffer rows, int slot)
        {
            var row = rows.Row(slot);
            Scales[slot] = Int8Kernels.QuantizeRow(row, rows.Dimension, Bytes.Row(slot), Bytes.Stride);
            SquaredNorms[slot] = FloatKernels.Dot(row, row, rows.Dimension);
        }
    }
}
