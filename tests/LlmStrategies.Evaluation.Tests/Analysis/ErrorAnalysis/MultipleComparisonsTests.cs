using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class MultipleComparisonsTests
{
    // p = (0.01, 0.04, 0.03, 0.005), m = 4. Sorted: 0.005, 0.01, 0.03, 0.04.
    private static readonly double[] P = [0.01, 0.04, 0.03, 0.005];

    [Test]
    public void BenjaminiHochbergMatchesTheStepUpByHand()
    {
        // m·p/rank: 0.02, 0.02, 0.04, 0.04; running minimum from the largest rank down: 0.04, 0.04, 0.02, 0.02.
        var adjusted = MultipleComparisons.BenjaminiHochberg(P);
        Assert.That(adjusted, Is.EqualTo(new[] { 0.02, 0.04, 0.04, 0.02 }).Within(1e-12));
    }

    [Test]
    public void HolmMatchesTheStepDownByHand()
    {
        // (m − rank + 1)·p: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, 1·0.04 = 0.04; running maximum: 0.02, 0.03, 0.06, 0.06.
        var adjusted = MultipleComparisons.Holm(P);
        Assert.That(adjusted, Is.EqualTo(new[] { 0.03, 0.06, 0.06, 0.02 }).Within(1e-12));
    }

    [Test]
    public void AdjustedValuesAreCappedAtOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MultipleComparisons.BenjaminiHochberg([0.9, 0.8]), Is.All.LessThanOrEqualTo(1.0));
            Assert.That(MultipleComparisons.Holm([0.9, 0.8]), Is.EqualTo(new[] { 1.0, 1.0 }));
        });
    }

    [Test]
    public void HolmNeverFlagsMoreThanBenjaminiHochberg()
    {
        var random = new Random(7);
        var p = Enumerable.Range(0, 40).Select(_ => Math.Pow(random.NextDouble(), 3)).ToArray();
        var holm = MultipleComparisons.Holm(p).Count(x => x < 0.05);
        var bh = MultipleComparisons.BenjaminiHochberg(p).Count(x => x < 0.05);
        Assert.That(holm, Is.LessThanOrEqualTo(bh));
    }
}
