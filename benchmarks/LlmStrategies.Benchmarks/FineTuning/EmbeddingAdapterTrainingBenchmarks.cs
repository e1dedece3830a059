using BenchmarkDotNet.Attributes;
using LlmStrategies.FineTuning.EmbeddingAdapters;

namespace LlmStrategies.Benchmarks.FineTuning;

/// <summary>
/// One training step of the adapter (forward, InfoNCE over the batch, backward, AdamW) on 128 random 512-d pairs: the
/// unit of training cost (an epoch over the 2,900 SQuAD training pairs is 23 steps plus one development evaluation).
/// Must not allocate.
/// </summary>
[Config(typeof(FineTuningBenchmarkConfig))]
public class EmbeddingAdapterTrainingBenchmarks
{
    private const int Dimensions = 512;
    private const int Batch = 128;
    private EmbeddingAdapterTrainer.TrainingState _state = null!;
    private EmbeddingPairSet _pairs = null!;
    private int[] _batch = null!;
    private EmbeddingAdapterTrainingOptions _options = null!;

    [Params(16, 64)]
    public int Rank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Rows(int count) => [.. Enumerable.Range(0, count * Dimensions).Select(_ => (float)(random.NextDouble() - 0.5))];
        _pairs = new EmbeddingPairSet(Dimensions, Rows(Batch), Rows(Batch), [.. Enumerable.Range(0, Batch)]);
        _batch = [.. Enumerable.Range(0, Batch)];
        _options = new EmbeddingAdapterTrainingOptions { Rank = Rank };
        _state = new EmbeddingAdapterTrainer.TrainingState(Dimensions, Rank, Batch, Batch, EmbeddingAdapter.CreateInitial(Dimensions, Rank, null, random), [], 0);
        _state.Step(_pairs, _batch, _options);
    }

    [Benchmark]
    public double Step() => _state.Step(_pairs, _batch, _options);
}
