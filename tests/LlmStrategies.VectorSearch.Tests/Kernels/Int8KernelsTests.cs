using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlmStrategies.VectorSearch.Kernels;

namespace LlmStrategies.VectorSearch.Tests.Kernels;

public sealed unsafe class Int8KernelsTests
{
    private delegate int RowKernel(sbyte* q, byte* row, int stride);

    private static IEnumerable<TestCaseData> Paths()
    {
        yield return new TestCaseData("dispatch");
        if (AvxVnni.IsSupported)
        {
            yield return new TestCaseData("vnni256");
        }

        if (Avx512BW.IsSupported)
        {
            yield return new TestCaseData("widen512");
        }

        if (Avx2.IsSupported)
        {
            yield return new TestCaseData("widen256");
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return new TestCaseData("widen128");
        }
    }

    [TestCaseSource(nameof(Paths))]
    public void Integer_dot_is_exact_for_every_path(string path)
    {
        RowKernel kernel = path switch
        {
            "vnni256" => Int8Kernels.Vnni256,
            "widen512" => Int8Kernels.Widen512,
            "widen256" => Int8Kernels.Widen256,
            "widen128" => Int8Kernels.Widen128,
            _ => Int8Kernels.DotU8S8,
        };
        var random = new Random(5);
        foreach (var stride in new[] { 64, 128, 384, 448 })
        {
            var q = new sbyte[stride];
            var rows = new byte[4 * stride];
            for (var trial = 0; trial < 4; trial++)
            {
                for (var i = 0; i < stride; i++)
                {
                    // Include the extremes: trial 0 is all maximal products, the rest random.
                    q[i] = trial == 0 ? (sbyte)-127 : (sbyte)random.Next(-127, 128);
                }

                for (var i = 0; i < rows.Length; i++)
                {
                    rows[i] = trial == 0 ? (byte)255 : (byte)random.Next(1, 256);
                }

                fixed (sbyte* pq = q)
                fixed (byte* pr = rows)
                {
                    for (var r = 0; r < 4; r++)
                    {
                        Assert.That(kernel(pq, pr + (r * stride), stride), Is.EqualTo(Int8Kernels.Scalar(pq, pr + (r * stride), stride)), $"stride {stride}, trial {trial}, row {r}");
                    }
                }
            }
        }
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(65)]
    [TestCase(384)]
    public void Quantised_dot_approximates_float_dot(int d)
    {
        var stride = Int8Kernels.Stride(d);
        Assert.That(stride % 64, Is.Zero);
        var x = TestData.Random(d, 1, d);
        var q = TestData.Random(d + 1, 1, d);
        var codes = new byte[stride];
        var qcodes = new sbyte[stride];
        fixed (float* px = x)
        fixed (float* pq = q)
        fixed (byte* pc = codes)
        fixed (sbyte* pqc = qcodes)
        {
            var scale = Int8Kernels.QuantizeRow(px, d, pc, stride);
            var queryScale = Int8Kernels.QuantizeQuery(pq, d, pqc, stride, out var codeSum);
            var approx = scale * queryScale * (Int8Kernels.Scalar(pqc, pc, stride) - (128 * codeSum));
            double exact = 0;
            for (var i = 0; i < d; i++)
            {
                exact += (double)x[i] * q[i];
            }

            // Each factor is off by at most half a step (max/254); the bound sums both errors over d terms.
            var bound = d * ((1.0 / 254) + (1.0 / 254) + (1.0 / (254.0 * 254)));
            Assert.That(approx, Is.EqualTo(exact).Within(bound));
            Assert.That(codes.AsSpan(d).ToArray(), Is.All.EqualTo((byte)128), "padding encodes zero");
            Assert.That(qcodes.AsSpan(d).ToArray(), Is.All.EqualTo((sbyte)0), "query padding is zero");
        }
    }
}
