using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Tests.Evaluation.Statistics;

public class PairedTestsTests
{
    [Test]
    public void McNemar_TextbookExample_ChiSquareWithContinuityCorrection()
    {
        // Agresti, An Introduction to Categorical Data Analysis (2nd ed., 2007), §8.1, Table 8.1: presidential approval in
        // two surveys of the same 1,600 people, discordant counts 150 and 86. Uncorrected z² = 64²/236 = 17.36 (the book);
        // with the continuity correction χ² = 63²/236 = 16.818, p = erfc(√(χ²/2)) = 4.1146e-5 (Python's math.erfc).
        var test = PairedTests.McNemar(150, 86);

        Assert.Multiple(() =>
        {
            Assert.That(test.Method, Does.Contain("continuity"));
            Assert.That(test.Statistic, Is.EqualTo(63.0 * 63 / 236).Within(1e-12));
            Assert.That(test.PValue, Is.EqualTo(4.1145622813459415e-05).Within(1e-10));
        });
    }

    [TestCase(1, 7, 0.0703125)] // 2·(C(8,0) + C(8,1)) / 2^8
    [TestCase(3, 12, 0.03515625)] // 2·Σ_{i≤3} C(15,i) / 2^15
    [TestCase(5, 5, 1.0)]
    public void McNemar_SmallCounts_UseTheExactBinomialTest(int onlyA, int onlyB, double p)
    {
        var test = PairedTests.McNemar(onlyA, onlyB);
        Assert.Multiple(() =>
        {
            Assert.That(test.Method, Does.Contain("exact"));
            Assert.That(test.PValue, Is.EqualTo(p).Within(1e-12));
        });
    }

    [Test]
    public void McNemar_FromOutcomes_CountsOnlyDiscordantPairs()
    {
        bool[] a = [true, true, true, false, false, true];
        bool[] b = [true, false, false, false, true, true];
        Assert.That(PairedTests.McNemar(a, b).PValue, Is.EqualTo(PairedTests.McNemar(2, 1).PValue));
    }

    [Test]
    public void Permutation_Exact_HandComputed()
    {
        // Differences 1, 2, 3: of the 8 sign patterns only +++ and --- reach |sum| = 6, so p = 2/8.
        var test = PairedTests.Permutation([1, 2, 3], [0, 0, 0], seed: 1);
        Assert.Multiple(() =>
        {
            Assert.That(test.Method, Does.Contain("exact"));
            Assert.That(test.PValue, Is.EqualTo(0.25));
            Assert.That(test.Statistic, Is.EqualTo(2));
        });

        // Differences 1, 1, 1, -1: |sum| ≥ 2 for 10 of 16 patterns (sums ±4: 2, ±2: 8).
        Assert.That(PairedTests.Permutation([1, 1, 1, 0], [0, 0, 0, 1], seed: 1).PValue, Is.EqualTo(10.0 / 16));
    }

    [Test]
    public void Permutation_Sampled_IsSeededAndApproximatesTheExactValue()
    {
        // 17 items: above the exact limit, so it samples. The exact p-value is computed here by enumerating all 2^17 patterns.
        var random = new Random(3);
        var a = Enumerable.Range(0, 17).Select(_ => random.NextDouble()).ToArray();
        var b = a.Select(x => x - 0.15 + (random.NextDouble() * 0.3) - 0.05).ToArray();
        var d = a.Select((x, i) => x - b[i]).ToArray();
        var observed = Math.Abs(d.Sum());
        var hits = 0;
        for (var mask = 0; mask < 1 << 17; mask++)
        {
            var sum = 0.0;
            for (var i = 0; i < 17; i++)
            {
                sum += (mask & (1 << i)) != 0 ? -d[i] : d[i];
            }

            if (Math.Abs(sum) >= observed - 1e-12)
            {
                hits++;
            }
        }

        var exact = hits / (double)(1 << 17);
        var first = PairedTests.Permutation(a, b, seed: 11, resamples: 20_000);
        var second = PairedTests.Permutation(a, b, seed: 11, resamples: 20_000);
        Assert.Multiple(() =>
        {
            Assert.That(first.Method, Does.Contain("sampled"));
            Assert.That(first.PValue, Is.EqualTo(second.PValue));
            Assert.That(first.PValue, Is.EqualTo(exact).Within(0.01)); // 3 standard errors at 20,000 samples is < 0.011
        });
    }

    [Test]
    public void Permutation_IdenticalScores_HasPValueOne()
    {
        Assert.That(PairedTests.Permutation([0.5, 0.2, 0.9], [0.5, 0.2, 0.9], seed: 1).PValue, Is.EqualTo(1));
    }

    [Test]
    public void CohensDz_IsTheMeanDifferenceOverItsStandardDeviation()
    {
        // d = 0.5, 0.25, -0.25, 1.0, 0.0: mean 0.3, sample sd 0.480885 → 0.623850 (Python statistics.stdev).
        Assert.That(PairedTests.CohensDz([1.0, 0.5, 0.0, 1.0, 0.5], [0.5, 0.25, 0.25, 0.0, 0.5], out _), Is.EqualTo(0.6238502938920436).Within(1e-12));
    }

    [Test]
    public void CohensDz_IsUndefined_NeverInfinity_WhenTheDifferencesHaveNoSpread()
    {
        var same = PairedTests.CohensDz([1.0, 0.0, 1.0], [1.0, 0.0, 1.0], out var sameWhy);
        var constant = PairedTests.CohensDz([1.0, 1.0, 1.0], [0.0, 0.0, 0.0], out var constantWhy);

        Assert.Multiple(() =>
        {
            Assert.That(same, Is.Null);
            Assert.That(sameWhy, Does.Contain("scored every item the same"));
            Assert.That(constant, Is.Null, "a constant non-zero difference used to give +Infinity");
            Assert.That(constantWhy, Does.Contain("no spread"));
        });
    }

    [Test]
    public void Holm_MatchesStatsmodels()
    {
        // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1]
        // = [0.03, 0.06, 0.06, 0.02]
        Assert.That(PairedTests.Holm([0.01, 0.04, 0.03, 0.005]), Is.EqualTo(new[] { 0.03, 0.06, 0.06, 0.02 }).Within(1e-12));
    }

    [Test]
    public void Holm_IsMonotoneAndCappedAtOne()
    {
        var adjusted = PairedTests.Holm([0.5, 0.6, 0.001]);

        Assert.That(adjusted, Is.EqualTo(new[] { 1.0, 1.0, 0.003 }).Within(1e-12));
    }

    [Test]
    public void ClusterPermutation_FlipsWholeGroups_ExactlyForFewGroups()
    {
        // Differences by group: g1 = 1 + 1 = 2, g2 = 1, g3 = -0.5 (observed |sum| 2.5). Of the 8 sign patterns of
        // (2, 1, -0.5), those with |sum| >= 2.5 are (±2, ±1 with the same sign, either sign of 0.5): 4, so p = 4/8.
        // As 4 independent items (1, 1, 1, -0.5) the exact p would be 4/16: half as large, overconfident.
        var a = new[] { 1.0, 1.0, 1.0, 0.0 };
        var b = new[] { 0.0, 0.0, 0.0, 0.5 };
        string[] groups = ["g1", "g1", "g2", "g3"];

        var test = PairedTests.ClusterPermutation(a, b, groups, seed: 1);

        Assert.Multiple(() =>
        {
            Assert.That(test.PValue, Is.EqualTo(4.0 / 8));
            Assert.That(PairedTests.Permutation(a, b, seed: 1).PValue, Is.EqualTo(4.0 / 16), "treating the items as independent is overconfident here");
            Assert.That(test.Statistic, Is.EqualTo(2.5 / 4), "the statistic stays the mean difference per item");
            Assert.That(test.Method, Does.StartWith("cluster permutation"));
        });
    }

    [TestCase(1.0, 0.15729920705028513)]
    [TestCase(0.5, 0.4795001221869535)]
    [TestCase(2.5, 0.0004069520174449589)]
    [TestCase(-0.3, 1.3286267594591274)]
    public void Erfc_MatchesReferenceValues(double z, double expected)
    {
        // Reference: Python's math.erfc; the approximation's fractional error is below 1.2e-7.
        Assert.That(PairedTests.Erfc(z), Is.EqualTo(expected).Within(Math.Abs(expected) * 1.2e-7));
    }

    [Test]
    public void BinomialCdf_DoesNotUnderflowForLargeN()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PairedTests.BinomialCdfHalf(1500, 3000), Is.EqualTo(0.5).Within(0.01));
            Assert.That(PairedTests.BinomialCdfHalf(2, 4), Is.EqualTo(11.0 / 16).Within(1e-15));
        });
    }
}
