using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Benchmarks.VectorSearch;

/// <summary>
/// Int8 search with float32 re-scoring against exact float32 search, single query, top-10, on the shared dataset. The
/// Ratio column is int8 time over float32 time (its inverse is the speed-up); recall@10 after re-scoring is written to
/// the side results by the setup. The int8 pass keeps max(k × multiplier, k + 32) candidates: multipliers 4 and 10 keep
/// 42 and 100 (multipliers 1 and 4, measured before, both kept 42: one setting measured twice).
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Full]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 9)]
public class QuantizedSearchBenchmarks
{
    private const int Queries = 50;
    private VectorBenchData _data = null!;
    private FlatVectorIndex<int> _flat = null!;
    private QuantizedVectorIndex<int> _int8 = null!;
    private int _next;

    [Params(4, 10)]
    public int RescoreMultiplier { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = VectorBenchData.Load();
        _flat = new FlatVectorIndex<int>(_data.Dimension, VectorMetric.DotProduct, initialCapacity: _data.Count);
        _flat.AddRange(_data.Entries());
        _int8 = new QuantizedVectorIndex<int>(_data.Dimension, VectorMetric.DotProduct, initialCapacity: _data.Count) { RescoreMultiplier = RescoreMultiplier };
        _int8.AddRange(_data.Entries());
        _data.Record($"int8.x{RescoreMultiplier}.recall", _data.RecallAt10(_int8));
        _data.Record($"int8.x{RescoreMultiplier}.candidates", Math.Max(10 * RescoreMultiplier, 10 + 32));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _flat.Dispose();
        _int8.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public int Float32SingleQueryTop10() => Run(_flat);

    [Benchmark(OperationsPerInvoke = Queries)]
    public int Int8SingleQueryTop10() => Run(_int8);

    private int Run(IVectorIndex<int> index)
    {
        Span<VectorSearchResult<int>> destination = stackalloc VectorSearchResult<int>[10];
        var found = 0;
        for (var i = 0; i < Queries; i++)
        {
            found += index.SearchInto(_data.Query(_next++ % _data.QueryCount), destination);
        }

        return found;
    }
}
