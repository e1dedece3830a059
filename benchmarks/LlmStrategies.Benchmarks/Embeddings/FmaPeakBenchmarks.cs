using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace LlmStrategies.Benchmarks.Embeddings;

/// <summary>
/// The single-core float32 FMA peak of this machine, measured two ways in the same run as the embedding
/// benchmarks: <see cref="RegisterFma"/> issues independent AVX-512 FMAs with no memory traffic (the
/// arithmetic ceiling), <see cref="DotL1"/> is TensorPrimitives.Dot over L1-resident data (a library kernel
/// that also has to load both operands).
/// </summary>
[Config(typeof(EmbeddingBenchmarkConfig))]
public class FmaPeakBenchmarks
{
    /// <summary>Iterations of the register loop: 12 chains x 16 lanes x 2 flops each.</summary>
    public const int RegisterIterations = 1 << 20;

    /// <summary>Length of each Dot operand (2 x 16 KiB, inside a 32-48 KiB L1D).</summary>
    public const int DotLength = 4096;

    /// <summary>Dot calls per invocation.</summary>
    public const int DotRepeats = 256;

    private readonly float[] _x = new float[DotLength];
    private readonly float[] _y = new float[DotLength];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < DotLength; i++)
        {
            _x[i] = (float)random.NextDouble();
            _y[i] = (float)random.NextDouble();
        }
    }

    public static double RegisterFlops => RegisterIterations * 12.0 * 16 * 2;

    public static double DotFlops => 2.0 * DotLength * DotRepeats;

    [Benchmark]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float RegisterFma()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return RegisterFma256();
        }

        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (var i = 0; i < RegisterIterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a);
            c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a);
            c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a);
            c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a);
            c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a);
            c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a);
            c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [Benchmark]
    public float DotL1()
    {
        var sum = 0f;
        for (var i = 0; i < DotRepeats; i++)
        {
            sum += TensorPrimitives.Dot(_x, _y);
        }

        return sum;
    }

    // Machines without AVX-512: 12 chains of 8 lanes, reported with the same FLOP count halved by the column.
    private static float RegisterFma256()
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (var i = 0; i < RegisterIterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a);
            c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a);
            c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a);
            c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a);
            c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a);
            c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a);
            c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
