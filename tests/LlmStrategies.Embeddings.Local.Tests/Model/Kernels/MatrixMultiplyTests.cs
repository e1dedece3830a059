using System.Runtime.Intrinsics;
using LlmStrategies.Embeddings.Local.Model.Kernels;

namespace LlmStrategies.Embeddings.Local.Tests.Model.Kernels;

public sealed unsafe class MatrixMultiplyTests
{
    // Odd row counts exercise the partial micro-kernel strips; 300 rows x K=512 spans several packed row blocks.
    [TestCase(1, 7, "Store")]
    [TestCase(13, 64, "Store")]
    [TestCase(37, 33, "StoreRelu")]
    [TestCase(25, 100, "Accumulate")]
    [TestCase(300, 512, "Accumulate")]
    public void Multiply_MatchesAScalarReference(int m, int k, string epilogue)
    {
        foreach (var useVector512 in KernelVariants())
        {
            AssertMatchesReference(m, k, 96, Enum.Parse<Epilogue>(epilogue), useVector512);
        }
    }

    [Test]
    public void AlignedBuffer_StartsOnA64ByteBoundary()
    {
        for (var length = 1; length < 200; length += 37)
        {
            var buffer = new AlignedBuffer(length);
            Assert.That((long)buffer.Pointer % 64, Is.Zero);
            Assert.That(buffer.Span.Length, Is.EqualTo(length));
        }
    }

    [Test]
    public void PackedMatrix_RejectsAColumnCountThatIsNotAPanelMultiple()
    {
        Assert.That(() => new PackedMatrix(new float[2 * 40], 2, 40, new float[40]), Throws.ArgumentException.With.Message.Contains("40"));
    }

    private static IEnumerable<bool> KernelVariants()
    {
        yield return false;
        if (Vector512.IsHardwareAccelerated)
        {
            yield return true;
        }
        else
        {
            TestContext.Out.WriteLine("AVX-512 is not available here: only the portable kernel was tested.");
        }
    }

    private static void AssertMatchesReference(int m, int k, int n, Epilogue epilogue, bool useVector512)
    {
        var random = new Random(m * 1000 + k);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var initial = Enumerable.Range(0, m * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

        var expected = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = bias[j];
                for (var p = 0; p < k; p++)
                {
                    sum += (double)a[(i * k) + p] * b[(p * n) + j];
                }

                expected[(i * n) + j] = epilogue switch
                {
                    Epilogue.StoreRelu => Math.Max(sum, 0),
                    Epilogue.Accumulate => sum + initial[(i * n) + j],
                    _ => sum,
                };
            }
        }

        var packed = new PackedMatrix(b, k, n, bias);
        var c = (float[])initial.Clone();
        var pack = new AlignedBuffer(MatrixMultiply.PackBufferLength(k));
        fixed (float* aPointer = a)
        fixed (float* cPointer = c)
        {
            MatrixMultiply.Multiply(aPointer, k, m, packed, cPointer, n, epilogue, pack.Pointer, useVector512);
        }

        // float32 accumulation over k terms of magnitude <= 0.25: error well under 1e-4 * sqrt(k).
        var tolerance = 1e-5 * Math.Sqrt(k) * 4;
        for (var i = 0; i < m * n; i++)
        {
            if (Math.Abs(c[i] - expected[i]) > tolerance)
            {
                Assert.Fail($"{(useVector512 ? "AVX-512" : "portable")} kernel, m={m} k={k} {epilogue}: element {i} is {c[i]}, expected {expected[i]} (tolerance {tolerance})");
            }
        }
    }
}
