using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class SliceTestTests
{
    [Test]
    public void SampledPValueMatchesTheExactEnumeration()
    {
        // Ten scores; a slice of three with sum 0.5. The exact one-sided p is the share of all C(10, 3) = 120 subsets of
        // size 3 whose sum is at most 0.5, counted here by enumeration.
        double[] values = [0, 0, 0.5, 1, 1, 0.25, 1, 0.75, 1, 0];
        const double SliceSum = 0.5;
        var hits = 0;
        var total = 0;
        for (var a = 0; a < values.Length; a++)
        {
            for (var b = a + 1; b < values.Length; b++)
            {
                for (var c = b + 1; c < values.Length; c++)
                {
                    total++;
                    hits += values[a] + values[b] + values[c] <= SliceSum + 1e-12 ? 1 : 0;
                }
            }
        }

        var exact = (double)hits / total;
        var sampled = SliceTest.LowerTail(values, SliceSum, 3, seed: 11, resamples: 200_000);
        Assert.Multiple(() =>
        {
            Assert.That(total, Is.EqualTo(120));
            Assert.That(sampled, Is.EqualTo(exact).Within(0.005), $"exact {exact}");
        });
    }

    [Test]
    public void SameSeedGivesTheSamePValue()
    {
        var values = Enumerable.Range(0, 50).Select(i => (i % 7) / 7.0).ToArray();
        var first = SliceTest.LowerTail(values, 2, 10, 5, 2_000);
        var second = SliceTest.LowerTail(values, 2, 10, 5, 2_000);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void ASliceAsLowAsPossibleHasTheSmallestPValue()
    {
        // 20 zeros among 100 values, the other 80 are 1: only subsets of zeros reach sum 0 (probability C(20,20)/C(100,20) ≈ 0).
        var values = Enumerable.Repeat(0.0, 20).Concat(Enumerable.Repeat(1.0, 80)).ToArray();
        var p = SliceTest.LowerTail(values, 0, 20, 3, 9_999);
        Assert.That(p, Is.EqualTo(1.0 / 10_000).Within(1e-12));
    }

    [Test]
    public void TheWholeSetIsNotTested() =>
        Assert.That(SliceTest.LowerTail([1, 0, 1], 2, 3, 1, 100), Is.EqualTo(1));
}
