using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Tests.Evaluation.Statistics;

public class BootstrapTests
{
    [Test]
    public void FixedSeed_EqualsADirectComputation()
    {
        double[] values = [0.1, 0.9, 0.4, 0.4, 1.0, 0.0, 0.7];

        var interval = Bootstrap.Mean(values, seed: 17, resamples: 2_000, level: 0.9);

        // The same resampling written out by hand: draw n indices per resample with Random(17), take the means,
        // sort them, interpolate the 5th and 95th percentiles.
        var random = new Random(17);
        var means = new double[2_000];
        for (var r = 0; r < means.Length; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < values.Length; i++)
            {
                sum += values[random.Next(values.Length)];
            }

            means[r] = sum / values.Length;
        }

        Array.Sort(means);
        static double At(double[] s, double p)
        {
            var h = p * (s.Length - 1);
            var lo = (int)Math.Floor(h);
            return s[lo] + ((h - lo) * (s[Math.Min(lo + 1, s.Length - 1)] - s[lo]));
        }

        Assert.Multiple(() =>
        {
            Assert.That(interval.Estimate, Is.EqualTo(values.Average()).Within(1e-15));
            Assert.That(interval.Lower, Is.EqualTo(At(means, 0.05)).Within(1e-15));
            Assert.That(interval.Upper, Is.EqualTo(At(means, 0.95)).Within(1e-15));
            Assert.That(Bootstrap.Mean(values, seed: 17, resamples: 2_000, level: 0.9), Is.EqualTo(interval), "same seed, same interval");
        });
    }

    [Test]
    public void NinetyFivePercentIntervals_CoverTheTrueMeanAboutNinetyFivePercentOfTheTime()
    {
        // Normal(0.5, 0.2) samples of 200; the interval should contain 0.5 in roughly 95% of 300 repetitions.
        var random = new Random(3);
        var covered = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            var sample = Enumerable.Range(0, 200).Select(_ => 0.5 + (0.2 * Normal(random))).ToArray();
            covered += Bootstrap.Mean(sample, seed: trial, resamples: 1_000).Contains(0.5) ? 1 : 0;
        }

        // Binomial(300, 0.95) has a standard deviation of 3.8: 270..299 is beyond five of them either side of 285.
        Assert.That(covered, Is.InRange(266, 299));
    }

    [Test]
    public void IntervalWidth_MatchesTheNormalApproximationForLargeSamples()
    {
        var random = new Random(5);
        var sample = Enumerable.Range(0, 2_000).Select(_ => Normal(random)).ToArray();
        var sd = Math.Sqrt(sample.Sum(x => (x - sample.Average()) * (x - sample.Average())) / sample.Length);

        var interval = Bootstrap.Mean(sample, seed: 1);

        Assert.That(interval.Upper - interval.Lower, Is.EqualTo(2 * 1.96 * sd / Math.Sqrt(sample.Length)).Within(8).Percent);
    }

    [Test]
    public void PairedDifference_IsTheIntervalOfPerItemDifferences()
    {
        double[] a = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1];
        double[] b = [0, 1, 0, 0, 1, 0, 1, 0, 0, 1];

        var difference = Bootstrap.PairedDifference(a, b, seed: 9);

        Assert.Multiple(() =>
        {
            Assert.That(difference.Estimate, Is.EqualTo(0.4).Within(1e-12));
            Assert.That(difference, Is.EqualTo(Bootstrap.Mean(a.Select((x, i) => x - b[i]).ToArray(), seed: 9)));
            Assert.That(() => Bootstrap.PairedDifference(a, b[..5], seed: 1), Throws.ArgumentException.With.Message.Contains("10 scores against 5"));
        });
    }

    [Test]
    public void RejectsEmptyInputAndBadLevels()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Bootstrap.Mean([], seed: 1), Throws.ArgumentException);
            Assert.That(() => Bootstrap.Mean([1.0], seed: 1, level: 1), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Test]
    public void ClusterBootstrap_WithOneItemPerGroup_IsTheItemBootstrap()
    {
        var values = Enumerable.Range(0, 200).Select(i => (i * 7919 % 101) / 100.0).ToArray();
        var groups = values.Select((_, i) => $"g{i}").ToArray();

        var items = Bootstrap.Mean(values, seed: 7, resamples: 2_000);
        var clusters = Bootstrap.Mean(values, groups, seed: 7, resamples: 2_000);

        Assert.Multiple(() =>
        {
            Assert.That(clusters.Estimate, Is.EqualTo(items.Estimate).Within(1e-12));
            Assert.That(clusters.Lower, Is.EqualTo(items.Lower).Within(1e-12));
            Assert.That(clusters.Upper, Is.EqualTo(items.Upper).Within(1e-12));
        });
    }

    [Test]
    public void ClusterBootstrap_IsWider_WhenItemsOfAGroupAreCorrelated()
    {
        // 40 groups of 10 identical scores: really 40 observations, not 400.
        var values = Enumerable.Range(0, 400).Select(i => (i / 10) % 2 == 0 ? 1.0 : 0.0).ToArray();
        var groups = values.Select((_, i) => $"g{i / 10}").ToArray();

        var items = Bootstrap.Mean(values, seed: 3, resamples: 4_000);
        var clusters = Bootstrap.Mean(values, groups, seed: 3, resamples: 4_000);

        // Standard errors: items sqrt(.25/400) = 0.025, clusters sqrt(.25/40) = 0.079: the interval is about 3.2 times wider.
        var ratio = (clusters.Upper - clusters.Lower) / (items.Upper - items.Lower);
        Assert.That(ratio, Is.InRange(2.6, 3.8));
    }

    [Test]
    public void ClusterBootstrap_RejectsMismatchedGroups()
    {
        Assert.That(() => Bootstrap.Mean([1.0, 2.0], ["a"], seed: 1), Throws.ArgumentException.With.Message.Contains("2 values but 1 groups"));
    }
}
