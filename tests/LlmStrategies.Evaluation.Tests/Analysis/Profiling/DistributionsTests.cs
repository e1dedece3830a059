using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class DistributionsTests
{
    [Test]
    public void QuantilesAreType7ByHand()
    {
        // 1..10: p25 at position 0.25·9 = 2.25 → 3 + 0.25·(4 − 3) = 3.25; median 5.5; p75 at 6.75 → 7.75; p95 at 8.55 → 9.55.
        var d = Distributions.Of(Enumerable.Range(1, 10).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(d.Count, Is.EqualTo(10));
            Assert.That(d.Mean, Is.EqualTo(5.5));
            Assert.That(d.Min, Is.EqualTo(1));
            Assert.That(d.P25, Is.EqualTo(3.25).Within(1e-12));
            Assert.That(d.Median, Is.EqualTo(5.5).Within(1e-12));
            Assert.That(d.P75, Is.EqualTo(7.75).Within(1e-12));
            Assert.That(d.P95, Is.EqualTo(9.55).Within(1e-12));
            Assert.That(d.Max, Is.EqualTo(10));
        });
    }

    [Test]
    public void HistogramBinsAreUpperInclusiveAndCountEveryValue()
    {
        // Range 0..10, width 1: 0 and 1 go to the first bin (0, 1], 2 to (1, 2], 10 to the last.
        var d = Distributions.Of([0, 1, 2, 2, 10]);
        Assert.Multiple(() =>
        {
            Assert.That(d.Histogram, Has.Count.EqualTo(Distributions.Bins));
            Assert.That(d.Histogram[0].Count, Is.EqualTo(2));
            Assert.That(d.Histogram[0].Upper, Is.EqualTo(1));
            Assert.That(d.Histogram[1].Count, Is.EqualTo(2));
            Assert.That(d.Histogram[^1].Count, Is.EqualTo(1));
            Assert.That(d.Histogram.Sum(b => b.Count), Is.EqualTo(5));
        });
    }

    [Test]
    public void EmptyAndConstantInputs()
    {
        var empty = Distributions.Of([]);
        var constant = Distributions.Of([4, 4, 4]);
        Assert.Multiple(() =>
        {
            Assert.That(empty.Count, Is.Zero);
            Assert.That(double.IsNaN(empty.Median), Is.True);
            Assert.That(constant.Histogram, Has.Count.EqualTo(1));
            Assert.That(constant.Histogram[0].Count, Is.EqualTo(3));
        });
    }
}
