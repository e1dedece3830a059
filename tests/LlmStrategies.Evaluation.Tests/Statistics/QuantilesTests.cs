using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Tests.Evaluation.Statistics;

public class QuantilesTests
{
    // numpy.percentile([4, 1, 3, 2], q) with the default (linear, type 7) method.
    [TestCase(0.5, 2.5)]
    [TestCase(0.95, 3.85)]
    [TestCase(0.99, 3.97)]
    [TestCase(0.0, 1.0)]
    [TestCase(1.0, 4.0)]
    public void Type7Quantiles(double p, double expected)
    {
        Assert.That(Quantiles.Of([4, 1, 3, 2], p), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void RejectsEmptyInputAndBadProbabilities()
    {
        Assert.Throws<ArgumentException>(() => Quantiles.Of([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Of([1], 1.5));
    }
}
