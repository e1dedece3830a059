using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Benchmarks.VectorSearch;

/// <summary>
/// Exact search on the shared 100k × 384 dataset against the machine's limit: <see cref="ReadSum"/> streams a buffer of
/// the same size once (the memory read bandwidth of this run), so the Ratio column of <see cref="SingleQueryTop10"/> is
/// the inverse of the fraction of bandwidth a single query reaches. Batch rows are per query (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 9)]
public unsafe class FlatSearchBenchmarks
{
    private const int SingleQueries = 20;
    private VectorBenchData _data = null!;
    private FlatVectorIndex<int> _index = null!;
    private float[] _buffer = null!;
    private VectorSearchResult<int>[] _results = null!;
    private int[] _counts = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _data = VectorBenchData.Load();
        _index = new FlatVectorIndex<int>(_data.Dimension, VectorMetric.DotProduct, initialCapacity: _data.Count);
        _index.AddRange(_data.Entries());
        _buffer = GC.AllocateUninitializedArray<float>(_data.Count * _data.Dimension, pinned: true);
        _data.Rows.CopyTo(_buffer, 0);
        _results = new VectorSearchResult<int>[_data.QueryCount * 10];
        _counts = new int[_data.QueryCount];
        _index.SearchBatch(_data.Queries, 10, _results, _counts);
        _data.Record("flat.recall", _data.RecallAt10(_results, _counts, 10));
        _data.Record("flat.bytes", (double)_data.Count * _data.Dimension * sizeof(float));
        _data.Record("flat.flops_per_query", 2.0 * _data.Count * _data.Dimension);

    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    /// <summary>A plain read-sum over a buffer as large as the index rows: one pass, four 512-bit accumulators (as bw_read.c).</summary>
    [Benchmark(Baseline = true)]
    public float ReadSum()
    {
        fixed (float* p = _buffer)
        {
            return ReadAll(p, _buffer.LongLength);
        }
    }

    [Benchmark(OperationsPerInvoke = SingleQueries)]
    public int SingleQueryTop10()
    {
        Span<VectorSearchResult<int>> destination = stackalloc VectorSearchResult<int>[10];
        var found = 0;
        for (var i = 0; i < SingleQueries; i++)
        {
            found += _index.SearchInto(_data.Query(_next++ % _data.QueryCount), destination);
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int Batch1000Top10()
    {
        _index.SearchBatch(_data.Queries.AsSpan(0, 1000 * _data.Dimension), 10, _results, _counts);
        return _counts[0];
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int Batch1000Top10TwoThreads()
    {
        _index.SearchBatch(_data.Queries.AsSpan(0, 1000 * _data.Dimension), 10, _results, _counts, maxDegreeOfParallelism: 2);
        return _counts[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float ReadAll(float* p, long n)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (long i = 0; i <= n - 64; i += 64)
        {
            s0 += Vector512.Load(p + i);
            s1 += Vector512.Load(p + i + 16);
            s2 += Vector512.Load(p + i + 32);
            s3 += Vector512.Load(p + i + 48);
        }

        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }
}
