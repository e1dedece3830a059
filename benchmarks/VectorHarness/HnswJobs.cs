using System.Diagnostics;
using LlmStrategies.VectorSearch;
using static VectorHarness.Measure;

namespace VectorHarness;

/// <summary>HNSW build (or load), memory per vector, and search at several efSearch values, as hnsw_ref.cpp measures hnswlib.</summary>
internal static class HnswJobs
{
    private const int K = 10;

    public static void Run(BenchData data, Options options)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var index = Open(data, options);
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"dotnet hnsw memory: N={data.Count}  {F((double)bytes / data.Count)} bytes/vector (managed heap growth while building or loading, vectors included)");
        if (options.Save is { } save)
        {
            VectorIndexFile.Save(index, save);
        }

        var results = new VectorSearchResult<int>[data.QueryCount * K];
        var counts = new int[data.QueryCount];
        var destination = new VectorSearchResult<int>[K];
        foreach (var ef in options.EfSearch)
        {
            index.EfSearch = ef;
            var single = Rate(options.Reps, data.QueryCount, () =>
            {
                for (var q = 0; q < data.QueryCount; q++)
                {
                    counts[q] = index.SearchInto(data.Query(q), destination);
                    destination.AsSpan(0, counts[q]).CopyTo(results.AsSpan(q * K));
                }
            });
            Console.WriteLine($"dotnet hnsw search threads=1: ef={ef,4} recall@10 {F(data.RecallAt10(results, counts, K), 4)}  QPS {single.Describe(0)}  allocated/query {F(single.BytesPerOperation, 0)} B");
            if (options.Threads > 1)
            {
                var batch = Rate(options.Reps, data.QueryCount, () => index.SearchBatch(data.Queries, K, results, counts, null, options.Threads));
                Console.WriteLine($"dotnet hnsw search threads={options.Threads}: ef={ef,4} recall@10 {F(data.RecallAt10(results, counts, K), 4)}  QPS {batch.Describe(0)}  allocated/query {F(batch.BytesPerOperation, 0)} B");
            }
        }
    }

    private static HnswVectorIndex<int> Open(BenchData data, Options options)
    {
        if (options.Load is { } load)
        {
            Console.WriteLine($"dotnet hnsw load: N={data.Count} d={data.Dimension} M={options.M} efC={options.EfConstruction} from {load}");
            return (HnswVectorIndex<int>)VectorIndexFile.Load<int>(load);
        }

        var watch = Stopwatch.StartNew();
        var index = new HnswVectorIndex<int>(data.Dimension, VectorMetric.DotProduct, new HnswOptions { M = options.M, EfConstruction = options.EfConstruction, BuildParallelism = options.Threads }, initialCapacity: data.Count);
        index.AddRange(data.Entries());
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"dotnet hnsw build: N={data.Count} d={data.Dimension} M={options.M} efC={options.EfConstruction} threads={options.Threads}  time {F(seconds, 2)} s  ({F(data.Count / seconds, 0)} vec/s)");
        return index;
    }
}
