using System.Runtime.Intrinsics;
using LlmStrategies.VectorSearch.Kernels;

namespace LlmStrategies.VectorSearch.Tests.Kernels;

public sealed unsafe class FloatKernelsTests
{
    private static readonly int[] Dimensions = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 384, 385, 1023];

    private delegate float PairKernel(float* a, float* b, int d);

    private delegate void QuadKernel(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores);

    private static IEnumerable<TestCaseData> DotKernels()
    {
        yield return new TestCaseData("scalar", 1);
        yield return new TestCaseData("dispatch", 1);
        if (Vector128.IsHardwareAccelerated)
        {
            yield return new TestCaseData("128", 4);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return new TestCaseData("256", 8);
        }

        if (Vector512.IsHardwareAccelerated)
        {
            yield return new TestCaseData("512", 16);
        }
    }

    [TestCaseSource(nameof(DotKernels))]
    public void Dot_matches_double_reference_for_every_width(string width, int minimumDimension)
    {
        PairKernel kernel = width switch
        {
            "scalar" => FloatKernels.DotScalar,
            "128" => FloatKernels.Dot128,
            "256" => FloatKernels.Dot256,
            "512" => FloatKernels.Dot512,
            _ => FloatKernels.Dot,
        };
        CheckPairs(kernel, minimumDimension, (a, b) => a * b, negate: false);
    }

    [TestCaseSource(nameof(DotKernels))]
    public void SquaredL2_matches_double_reference_for_every_width(string width, int minimumDimension)
    {
        PairKernel kernel = width switch
        {
            "scalar" => FloatKernels.SquaredL2Scalar,
            "128" => FloatKernels.SquaredL2_128,
            "256" => FloatKernels.SquaredL2_256,
            "512" => FloatKernels.SquaredL2_512,
            _ => (a, b, d) => -FloatKernels.NegativeSquaredL2(a, b, d),
        };
        CheckPairs(kernel, minimumDimension, (a, b) => (a - b) * (a - b), negate: false);
    }

    [TestCaseSource(nameof(DotKernels))]
    public void Dot1x4_matches_double_reference_for_every_width(string width, int minimumDimension)
    {
        QuadKernel kernel = width switch
        {
            "scalar" => (q, r0, r1, r2, r3, d, s) =>
            {
                s[0] = FloatKernels.DotScalar(q, r0, d);
                s[1] = FloatKernels.DotScalar(q, r1, d);
                s[2] = FloatKernels.DotScalar(q, r2, d);
                s[3] = FloatKernels.DotScalar(q, r3, d);
            },
            "128" => FloatKernels.Dot1x4_128,
            "256" => FloatKernels.Dot1x4_256,
            "512" => FloatKernels.Dot1x4_512,
            _ => FloatKernels.Dot1x4,
        };
        CheckQuads(kernel, minimumDimension, (a, b) => a * b, 1);
    }

    [TestCaseSource(nameof(DotKernels))]
    public void SquaredL2_1x4_matches_double_reference_for_every_width(string width, int minimumDimension)
    {
        QuadKernel kernel = width switch
        {
            "scalar" => (q, r0, r1, r2, r3, d, s) =>
            {
                s[0] = FloatKernels.SquaredL2Scalar(q, r0, d);
                s[1] = FloatKernels.SquaredL2Scalar(q, r1, d);
                s[2] = FloatKernels.SquaredL2Scalar(q, r2, d);
                s[3] = FloatKernels.SquaredL2Scalar(q, r3, d);
            },
            "128" => FloatKernels.SquaredL2_1x4_128,
            "256" => FloatKernels.SquaredL2_1x4_256,
            "512" => FloatKernels.SquaredL2_1x4_512,
            _ => FloatKernels.NegativeSquaredL2_1x4,
        };
        var sign = width == "dispatch" ? -1 : 1;
        CheckQuads(kernel, minimumDimension, (a, b) => (a - b) * (a - b), sign);
    }

    [Test]
    public void Consecutive_row_form_of_Dot1x4_matches_the_pointer_form()
    {
        foreach (var d in Dimensions)
        {
            var q = TestData.Random(d, 1, d);
            var rows = TestData.Random(d + 1, 4, d);
            var a = new float[4];
            var b = new float[4];
            fixed (float* pq = q)
            fixed (float* pr = rows)
            fixed (float* pa = a)
            fixed (float* pb = b)
            {
                FloatKernels.Dot1x4(pq, pr, d, pa);
                FloatKernels.Dot1x4(pq, pr, pr + d, pr + (2 * d), pr + (3 * d), d, pb);
            }

            Assert.That(a, Is.EqualTo(b), $"d = {d}");
        }
    }

    internal static double Tolerance(double magnitudeSum) => (2e-6 * magnitudeSum) + 1e-6;

    private static void CheckPairs(PairKernel kernel, int minimumDimension, Func<double, double, double> term, bool negate)
    {
        foreach (var d in Dimensions.Where(d => d >= minimumDimension))
        {
            for (var trial = 0; trial < 5; trial++)
            {
                var a = TestData.Random((d * 31) + trial, 1, d, scale: 3);
                var b = TestData.Random((d * 17) + trial + 1000, 1, d, scale: 3);
                double expected = 0, magnitude = 0;
                for (var i = 0; i < d; i++)
                {
                    var t = term(a[i], b[i]);
                    expected += t;
                    magnitude += Math.Abs(t);
                }

                float actual;
                fixed (float* pa = a)
                fixed (float* pb = b)
                {
                    actual = kernel(pa, pb, d);
                }

                Assert.That(negate ? -actual : actual, Is.EqualTo(expected).Within(Tolerance(magnitude)), $"d = {d}, trial {trial}");
            }
        }
    }

    private static void CheckQuads(QuadKernel kernel, int minimumDimension, Func<double, double, double> term, int sign)
    {
        foreach (var d in Dimensions.Where(d => d >= minimumDimension))
        {
            var q = TestData.Random(d * 7, 1, d, scale: 2);
            var rows = TestData.Random((d * 13) + 5, 4, d, scale: 2);
            var scores = new float[4];
            fixed (float* pq = q)
            fixed (float* pr = rows)
            fixed (float* ps = scores)
            {
                kernel(pq, pr, pr + d, pr + (2 * d), pr + (3 * d), d, ps);
            }

            for (var r = 0; r < 4; r++)
            {
                double expected = 0, magnitude = 0;
                for (var i = 0; i < d; i++)
                {
                    var t = term(q[i], rows[(r * d) + i]);
                    expected += t;
                    magnitude += Math.Abs(t);
                }

                Assert.That(sign * scores[r], Is.EqualTo(expected).Within(Tolerance(magnitude)), $"d = {d}, row {r}");
            }
        }
    }
}
