using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmStrategies.VectorSearch;
using static VectorHarness.Measure;

namespace VectorHarness;

/// <summary>Exact (flat) and int8 search jobs, top-10, inner product, as flat.c measures them.</summary>
internal static unsafe class FlatJobs
{
    private const int K = 10;

    public static void ReadSum(BenchData data, Options options)
    {
        var buffer = GC.AllocateUninitializedArray<float>(data.Rows.Length, pinned: true);
        data.Rows.CopyTo(buffer, 0);
        var sink = 0f;
        var bytes = (double)buffer.Length * sizeof(float);
        var sample = Rate(options.Reps, bytes / 1e9, () =>
        {
            fixed (float* p = buffer)
            {
                sink += Sum(p, buffer.LongLength);
            }
        });
        Console.WriteLine($"dotnet readsum threads=1 size={F(bytes / (1 << 20), 0)} MiB: GB/s {sample.Describe(2)} (sink {F(sink, 0)})");
    }

    public static void Single(BenchData data, Options options)
    {
        using var index = Build(data);
        var destination = new VectorSearchResult<int>[K];
        var results = new VectorSearchResult<int>[data.QueryCount * K];
        var counts = new int[data.QueryCount];
        var sample = Rate(options.Reps, data.QueryCount, () =>
        {
            for (var q = 0; q < data.QueryCount; q++)
            {
                counts[q] = index.SearchInto(data.Query(q), destination);
                destination.AsSpan(0, counts[q]).CopyTo(results.AsSpan(q * K));
            }
        });
        Console.WriteLine($"dotnet flat single threads=1 N={data.Count} d={data.Dimension} Q={data.QueryCount}: QPS {sample.Describe()}  recall@10 {F(data.RecallAt10(results, counts, K), 4)}  allocated/query {F(sample.BytesPerOperation, 0)} B");
    }

    public static void Batch(BenchData data, Options options)
    {
        using var index = Build(data);
        var results = new VectorSearchResult<int>[data.QueryCount * K];
        var counts = new int[data.QueryCount];
        var sample = Rate(options.Reps, data.QueryCount, () => index.SearchBatch(data.Queries, K, results, counts, null, options.Threads));
        Console.WriteLine($"dotnet flat batch threads={options.Threads} N={data.Count} d={data.Dimension} Q={data.QueryCount}: QPS {sample.Describe()}  recall@10 {F(data.RecallAt10(results, counts, K), 4)}  allocated/query {F(sample.BytesPerOperation, 0)} B");
    }

    /// <summary>
    /// Int8 with float32 re-scoring against float32 flat, both single-query, alternating pass by pass in this process so
    /// each ratio compares passes timed next to each other. The int8 pass keeps max(k × multiplier, k + 32) candidates.
    /// </summary>
    public static void Int8(BenchData data, Options options)
    {
        using var flat = Build(data);
        using var int8 = new QuantizedVectorIndex<int>(data.Dimension, VectorMetric.DotProduct, initialCapacity: data.Count) { RescoreMultiplier = options.Multiplier };
        int8.AddRange(data.Entries());
        var candidates = Math.Max(K * options.Multiplier, K + 32);
        var results = new VectorSearchResult<int>[data.QueryCount * K];
        var counts = new int[data.QueryCount];
        var destination = new VectorSearchResult<int>[K];
        void Pass(IVectorIndex<int> index)
        {
            for (var q = 0; q < data.QueryCount; q++)
            {
                counts[q] = index.SearchInto(data.Query(q), destination);
                destination.AsSpan(0, counts[q]).CopyTo(results.AsSpan(q * K));
            }
        }

        var ratios = new double[options.Reps];
        Sample? flatSample = null, int8Sample = null;
        for (var r = 0; r < options.Reps; r++)
        {
            var f = Rate(1, data.QueryCount, () => Pass(flat));
            var i = Rate(1, data.QueryCount, () => Pass(int8));
            ratios[r] = i.Rates[0] / f.Rates[0];
            flatSample = Merge(flatSample, f);
            int8Sample = Merge(int8Sample, i);
        }

        var recall = data.RecallAt10(results, counts, K);
        var ratio = new Sample(ratios, 0);
        Console.WriteLine($"dotnet int8 multiplier={options.Multiplier} candidates={candidates} threads=1 N={data.Count} d={data.Dimension} Q={data.QueryCount}: QPS {int8Sample!.Describe()}  recall@10 {F(recall, 4)}  allocated/query {F(int8Sample.BytesPerOperation, 0)} B");
        Console.WriteLine($"dotnet int8-float32 multiplier={options.Multiplier} threads=1: QPS {flatSample!.Describe()}  speed-up per alternating pass {ratio.Describe(2)} [{string.Join(", ", ratios.Select(x => F(x, 2)))}]");
    }

    private static FlatVectorIndex<int> Build(BenchData data)
    {
        var index = new FlatVectorIndex<int>(data.Dimension, VectorMetric.DotProduct, initialCapacity: data.Count);
        index.AddRange(data.Entries());
        return index;
    }

    private static Sample Merge(Sample? a, Sample b) => a is null ? b : new Sample([.. a.Rates, .. b.Rates], Math.Max(a.BytesPerOperation, b.BytesPerOperation));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Sum(float* p, long n)
    {
        if (Vector512.IsHardwareAccelerated)
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

        Vector256<float> t0 = Vector256<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
        for (long i = 0; i <= n - 32; i += 32)
        {
            t0 += Vector256.Load(p + i);
            t1 += Vector256.Load(p + i + 8);
            t2 += Vector256.Load(p + i + 16);
            t3 += Vector256.Load(p + i + 24);
        }

        return Vector256.Sum((t0 + t1) + (t2 + t3));
    }
}
