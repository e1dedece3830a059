using LlmStrategies.VectorSearch.Kernels;

namespace LlmStrategies.VectorSearch.Tests.Kernels;

public sealed unsafe class BatchKernelsTests
{
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(31)]
    [TestCase(48)]
    [TestCase(100)]
    [TestCase(384)]
    [TestCase(385)]
    public void Tiles_match_double_reference(int d)
    {
        if (!BatchKernels.TileAccelerated)
        {
            Assert.Ignore("Vector512 is not accelerated on this machine; the 4x4 tile is not used here.");
        }

        var q = TestData.Random(d, 4, d, scale: 2);
        var x = TestData.Random(d + 99, 4, d, scale: 2);
        var dot = new float[16];
        var l2 = new float[16];
        fixed (float* pq = q)
        fixed (float* px = x)
        fixed (float* pd = dot)
        fixed (float* pl = l2)
        {
            BatchKernels.Dot4x4_512(pq, px, d, pd);
            BatchKernels.NegativeSquaredL2_4x4_512(pq, px, d, pl);
        }

        for (var a = 0; a < 4; a++)
        {
            for (var b = 0; b < 4; b++)
            {
                double expectedDot = 0, expectedL2 = 0, magDot = 0;
                for (var i = 0; i < d; i++)
                {
                    var qa = (double)q[(a * d) + i];
                    var xb = (double)x[(b * d) + i];
                    expectedDot += qa * xb;
                    magDot += Math.Abs(qa * xb);
                    expectedL2 += (qa - xb) * (qa - xb);
                }

                Assert.That(dot[(a * 4) + b], Is.EqualTo(expectedDot).Within(FloatKernelsTests.Tolerance(magDot)), $"dot q{a} x{b}");
                Assert.That(-l2[(a * 4) + b], Is.EqualTo(expectedL2).Within(FloatKernelsTests.Tolerance(expectedL2)), $"l2 q{a} x{b}");
            }
        }
    }
}
