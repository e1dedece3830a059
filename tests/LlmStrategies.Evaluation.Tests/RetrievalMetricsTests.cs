using LlmStrategies.Evaluation;

namespace LlmStrategies.Tests.Evaluation;

public class RetrievalMetricsTests
{
    [Test]
    public void Ndcg_MatchesTheWikipediaWorkedExample()
    {
        // https://en.wikipedia.org/wiki/Discounted_cumulative_gain: gains 3, 2, 3, 0, 1, 2 in ranked order;
        // DCG6 = 6.861, IDCG6 = 7.141 (ideal order 3, 3, 2, 2, 1, 0), nDCG6 = 0.961.
        var ranked = new[] { "d1", "d2", "d3", "d4", "d5", "d6" };
        var gains = new Dictionary<string, double> { ["d1"] = 3, ["d2"] = 2, ["d3"] = 3, ["d4"] = 0, ["d5"] = 1, ["d6"] = 2 };

        Assert.That(RetrievalMetrics.NdcgAt(ranked, gains, 6), Is.EqualTo(0.961).Within(0.0005));
    }

    [Test]
    public void Ndcg_WithBinaryRelevance()
    {
        var relevant = new HashSet<string> { "a", "b" };

        Assert.Multiple(() =>
        {
            Assert.That(RetrievalMetrics.NdcgAt(["a", "b", "x"], relevant, 10), Is.EqualTo(1.0));
            Assert.That(RetrievalMetrics.NdcgAt(["x", "a"], relevant, 10), Is.EqualTo((1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3)))).Within(1e-12));
            Assert.That(RetrievalMetrics.NdcgAt(["x", "a"], relevant, 1), Is.Zero);
            Assert.That(RetrievalMetrics.NdcgAt(["x"], new HashSet<string>(), 10), Is.Zero);
        });
    }

    [Test]
    public void RecallAndReciprocalRank()
    {
        var relevant = new HashSet<string> { "a", "b" };

        Assert.Multiple(() =>
        {
            Assert.That(RetrievalMetrics.RecallAt(["x", "a", "y", "b"], relevant, 2), Is.EqualTo(0.5));
            Assert.That(RetrievalMetrics.RecallAt(["x", "a", "y", "b"], relevant, 4), Is.EqualTo(1.0));
            Assert.That(RetrievalMetrics.ReciprocalRank(["x", "y", "b"], relevant), Is.EqualTo(1.0 / 3));
            Assert.That(RetrievalMetrics.ReciprocalRank(["x", "y", "b"], relevant, 2), Is.Zero);
        });
    }

    [Test]
    public void ADocumentListedTwice_CountsOnceAtItsBestRank()
    {
        var relevant = new HashSet<string> { "a", "b" };

        Assert.Multiple(() =>
        {
            Assert.That(RetrievalMetrics.RecallAt(["a", "a", "b"], relevant, 2), Is.EqualTo(1.0));
            Assert.That(RetrievalMetrics.NdcgAt(["a", "a", "b"], relevant, 2), Is.EqualTo(1.0));
        });
    }
}
