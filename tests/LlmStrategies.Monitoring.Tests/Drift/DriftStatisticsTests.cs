using LlmStrategies.Monitoring.Drift;

namespace LlmStrategies.Tests.Monitoring.Drift;

public class DriftStatisticsTests
{
    [Test]
    public void Psi_OfAKnownShift_MatchesTheHandComputation()
    {
        // Σ (a − e) ln(a / e) for e = 0.25 each and a = 0.1, 0.2, 0.3, 0.4:
        // −0.15·ln 0.4 − 0.05·ln 0.8 + 0.05·ln 1.2 + 0.15·ln 1.6 = 0.2282174 (computed with Python's math module).
        var psi = DriftStatistics.PopulationStabilityIndex([25, 25, 25, 25], [10, 20, 30, 40]);

        Assert.That(psi, Is.EqualTo(0.22821740957339182).Within(1e-12));
    }

    [Test]
    public void Psi_IsZeroForIdenticalShares_AndFiniteWithEmptyBins()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DriftStatistics.PopulationStabilityIndex([1, 2, 3], [10, 20, 30]), Is.EqualTo(0).Within(1e-15));
            Assert.That(double.IsFinite(DriftStatistics.PopulationStabilityIndex([50, 50, 0], [0, 50, 50])), Is.True);
            Assert.That(DriftStatistics.PopulationStabilityIndex([50, 50, 0], [0, 50, 50]), Is.GreaterThan(0.25), "moving half the mass is a major shift");
        });
    }

    [Test]
    public void Psi_OfNumericSamples_SeesAShiftedDistributionButNotAResample()
    {
        var random = new Random(1);
        var reference = Enumerable.Range(0, 5_000).Select(_ => Normal(random)).ToArray();
        var same = Enumerable.Range(0, 5_000).Select(_ => Normal(random)).ToArray();
        var shifted = Enumerable.Range(0, 5_000).Select(_ => Normal(random) + 0.5).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(DriftStatistics.PopulationStabilityIndex(reference, same, bins: 10), Is.LessThan(0.02));
            Assert.That(DriftStatistics.PopulationStabilityIndex(reference, shifted, bins: 10), Is.GreaterThan(0.2));
        });
    }

    [Test]
    public void KolmogorovSmirnov_StatisticMatchesTheHandComputation()
    {
        // ECDFs of {1,2,3} and {2,4,6,8}: at 3 they are 1 and 0.25, the largest gap.
        var (d, _) = DriftStatistics.KolmogorovSmirnov([1, 2, 3], [2, 4, 6, 8]);

        Assert.That(d, Is.EqualTo(0.75));
    }

    [TestCase(1.2238, 0.10)]
    [TestCase(1.3581, 0.05)]
    [TestCase(1.6276, 0.01)]
    public void KolmogorovDistribution_GivesTheTabulatedCriticalValues(double lambda, double p)
    {
        // The Kolmogorov distribution's critical values (e.g. Smirnov 1948; any statistics table): P(K > 1.3581) = 0.05.
        Assert.That(DriftStatistics.KolmogorovQ(lambda), Is.EqualTo(p).Within(0.0005));
    }

    [Test]
    public void KolmogorovSmirnov_PValues_SeparateSameFromShiftedDistributions()
    {
        var random = new Random(2);
        var reference = Enumerable.Range(0, 2_000).Select(_ => Normal(random)).ToArray();
        var same = Enumerable.Range(0, 2_000).Select(_ => Normal(random)).ToArray();
        var shifted = Enumerable.Range(0, 2_000).Select(_ => Normal(random) + 0.2).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(DriftStatistics.KolmogorovSmirnov(reference, same).PValue, Is.GreaterThan(0.05));
            Assert.That(DriftStatistics.KolmogorovSmirnov(reference, shifted).PValue, Is.LessThan(0.01), "a 0.2 standard-deviation shift is found");
        });
    }

    [Test]
    public void BadInputs_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DriftStatistics.PopulationStabilityIndex([1, 2], [1]), Throws.ArgumentException.With.Message.Contains("same, non-zero number of bins"));
            Assert.That(() => DriftStatistics.KolmogorovSmirnov([], [1]), Throws.ArgumentException);
        });
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
