using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LlmStrategies.FineTuning.EmbeddingAdapters;

namespace LlmStrategies.Benchmarks.FineTuning;

/// <summary>
/// The cost an adapter adds to every embedding: <see cref="EmbeddingAdapter.Transform"/> on one 512-d vector (two
/// rank × 512 matrix-vector products and a normalisation) against the normalisation alone. Must not allocate.
/// </summary>
[Config(typeof(FineTuningBenchmarkConfig))]
public class EmbeddingAdapterBenchmarks
{
    private const int Dimensions = 512;
    private const int Vectors = 64;
    private EmbeddingAdapter _adapter = null!;
    private float[] _input = null!;
    private float[] _output = null!;

    [Params(16, 64, 512)]
    public int Rank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Matrix() => [.. Enumerable.Range(0, Rank * Dimensions).Select(_ => (float)(random.NextDouble() - 0.5) / 16)];
        _adapter = new EmbeddingAdapter(Dimensions, Rank, Matrix(), Matrix(), "benchmark");
        _input = [.. Enumerable.Range(0, Vectors * Dimensions).Select(_ => (float)(random.NextDouble() - 0.5))];
        _output = new float[Dimensions];
    }

    /// <summary>What the unadapted path costs per vector: copying and normalising it.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Vectors)]
    public float NormalizeOnly()
    {
        var sum = 0f;
        for (var v = 0; v < Vectors; v++)
        {
            var input = _input.AsSpan(v * Dimensions, Dimensions);
            input.CopyTo(_output);
            TensorPrimitives.Divide(_output, TensorPrimitives.Norm(_output), _output);
            sum += _output[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Vectors)]
    public float Transform()
    {
        var sum = 0f;
        for (var v = 0; v < Vectors; v++)
        {
            _adapter.Transform(_input.AsSpan(v * Dimensions, Dimensions), _output);
            sum += _output[0];
        }

        return sum;
    }
}
