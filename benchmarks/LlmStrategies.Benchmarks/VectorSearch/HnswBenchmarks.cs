using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Benchmarks.VectorSearch;

/// <summary>
/// HNSW build time (M = 16, efConstruction = 200) with one and two threads, as hnswlib's reference measures it: one
/// timed build of the 100k dataset. The one-thread graph is saved for <see cref="HnswSearchBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class HnswBuildBenchmarks
{
    private VectorBenchData _data = null!;
    private HnswVectorIndex<int>? _index;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _data = VectorBenchData.Load();

    [Benchmark]
    public int Build()
    {
        var watch = Stopwatch.StartNew();
        _index = _data.BuildHnsw(Threads);
        _data.Record($"hnsw.build.t{Threads}.seconds", watch.Elapsed.TotalSeconds);
        return _index.Count;
    }

    [IterationCleanup]
    public void SaveAndRelease()
    {
        if (_index is null)
        {
            return;
        }

        if (Threads == 1)
        {
            VectorIndexFile.Save(_index, _data.HnswCachePath);
        }

        _index.Dispose();
        _index = null;
    }
}

/// <summary>
/// HNSW single-thread search, top-10, over all 1,000 queries per invocation (per-query figures), for the efSearch values
/// of the hnswlib reference; recall@10 for each is written to the side results by the setup.
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 9)]
public class HnswSearchBenchmarks
{
    private VectorBenchData _data = null!;
    private VectorIndex<int> _index = null!;
    private VectorSearchResult<int>[] _destination = null!;

    [Params(10, 20, 40, 80, 160)]
    public int EfSearch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = VectorBenchData.Load();
        var cache = _data.HnswCachePath;
        if (!File.Exists(cache))
        {
            using var built = _data.BuildHnsw(1);
            VectorIndexFile.Save(built, cache);
        }

        _index = VectorIndexFile.Load<int>(cache);
        ((HnswVectorIndex<int>)_index).EfSearch = EfSearch;
        _destination = new VectorSearchResult<int>[10];
        _data.Record($"hnsw.ef{EfSearch}.recall", _data.RecallAt10(_index));
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = 1000)]
    public int SearchTop10()
    {
        var found = 0;
        for (var q = 0; q < 1000; q++)
        {
            found += _index.SearchInto(_data.Query(q), _destination);
        }

        return found;
    }
}

/// <summary>
/// Non-default job: HNSW on 1,000,000 × 384 (the same generator, seed and clusters), built with two threads, searched
/// single-threaded. Needs about 1.5 GB for rows and 0.2 GB for the graph and a long build, so it runs only when
/// <c>VECTOR_BENCH_MILLION=1</c>; data goes to <c>VECTOR_BENCH_MILLION_DATA</c> (default artifacts/vector-data-1m).
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class HnswMillionBenchmarks
{
    private VectorBenchData _data = null!;
    private VectorIndex<int> _index = null!;
    private VectorSearchResult<int>[] _destination = null!;

    [Params(40, 80, 160)]
    public int EfSearch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Environment.GetEnvironmentVariable("VECTOR_BENCH_MILLION") != "1")
        {
            throw new InvalidOperationException("HnswMillionBenchmarks is a non-default job: set VECTOR_BENCH_MILLION=1 (it needs ~2 GB and a long build).");
        }

        _data = VectorBenchData.Load("VECTOR_BENCH_MILLION_DATA", "artifacts/vector-data-1m", "1000000 384 1000 1000 1.0 1.0 20240601 10");
        var cache = Path.Combine(_data.Folder, "hnsw-m16-efc200-t2.lsv");
        if (!File.Exists(cache))
        {
            var watch = Stopwatch.StartNew();
            using var built = _data.BuildHnsw(2);
            _data.Record("hnsw1m.build.t2.seconds", watch.Elapsed.TotalSeconds);
            VectorIndexFile.Save(built, cache);
        }

        _index = VectorIndexFile.Load<int>(cache, new VectorIndexLoadOptions { MemoryMap = true });
        ((HnswVectorIndex<int>)_index).EfSearch = EfSearch;
        _destination = new VectorSearchResult<int>[10];
        _data.Record($"hnsw1m.ef{EfSearch}.recall", _data.RecallAt10(_index));
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = 1000)]
    public int SearchTop10()
    {
        var found = 0;
        for (var q = 0; q < 1000; q++)
        {
            found += _index.SearchInto(_data.Query(q), _destination);
        }

        return found;
    }
}
