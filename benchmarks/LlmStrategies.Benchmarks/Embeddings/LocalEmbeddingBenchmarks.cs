using BenchmarkDotNet.Attributes;
using LlmStrategies.Embeddings.Local;

namespace LlmStrategies.Benchmarks.Embeddings;

/// <summary>
/// USE Lite embedding throughput on one thread for 1, 16 and 256 sentences of typical length
/// (benchmark-sentences.txt, 9-19 words). Run together with <see cref="FmaPeakBenchmarks"/> so the
/// GFLOP/s column can be read against the core's FMA peak measured in the same run.
/// </summary>
[Config(typeof(EmbeddingBenchmarkConfig))]
[MemoryDiagnoser]
public class LocalEmbeddingBenchmarks
{
    private LocalEmbeddingGenerator _generator = null!;
    private string[] _batch = null!;
    private float[] _destination = null!;

    [Params(1, 16, 256)]
    public int Sentences { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = EmbeddingWorkload.CreateGenerator(threads: 1);
        _batch = EmbeddingWorkload.Sentences.Take(Sentences).ToArray();
        _destination = new float[Sentences * LocalEmbeddingGenerator.Dimensions];
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    /// <summary>The span API: writes into a caller-owned buffer, allocation-free once warm.</summary>
    [Benchmark(Baseline = true)]
    public long EmbedInto() => _generator.EmbedInto(_batch, _destination);

    /// <summary>The IEmbeddingGenerator path: allocates the result objects (one 512-float vector per sentence).</summary>
    [Benchmark]
    public async Task<int> GenerateAsync() => (await _generator.GenerateAsync(_batch)).Count;
}

/// <summary>The same 256-sentence batch with <see cref="LocalEmbeddingOptions.MaxDegreeOfParallelism"/> = 2 (both cores).</summary>
[Config(typeof(EmbeddingBenchmarkConfig))]
[MemoryDiagnoser]
public class LocalEmbeddingParallelBenchmarks
{
    private LocalEmbeddingGenerator _generator = null!;
    private string[] _batch = null!;
    private float[] _destination = null!;

    [Params(256)]
    public int Sentences { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = EmbeddingWorkload.CreateGenerator(threads: 2);
        _batch = EmbeddingWorkload.Sentences.Take(Sentences).ToArray();
        _destination = new float[Sentences * LocalEmbeddingGenerator.Dimensions];
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark]
    public long EmbedIntoTwoThreads() => _generator.EmbedInto(_batch, _destination);
}
