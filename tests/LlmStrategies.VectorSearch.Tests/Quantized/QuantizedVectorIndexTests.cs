namespace LlmStrategies.VectorSearch.Tests.Quantized;

public sealed class QuantizedVectorIndexTests
{
    [TestCase(VectorMetric.Cosine)]
    [TestCase(VectorMetric.DotProduct)]
    [TestCase(VectorMetric.Euclidean)]
    public void Rescoring_gives_high_recall_on_clustered_data(VectorMetric metric)
    {
        const int d = 96;
        var data = TestData.Clustered(1, 3000, d, 30, spread: 0.5f);
        using var index = new QuantizedVectorIndex<int>(d, metric);
        TestData.AddAll(index, data, d);
        var queries = TestData.Clustered(2, 30, d, 30, spread: 0.5f);
        double recall = 0;
        for (var q = 0; q < 30; q++)
        {
            var query = TestData.Row(queries, d, q);
            recall += TestData.Recall(TestData.ExactTop(data, d, query, 10, metric), index.Search(query, 10).Select(r => r.Key));
        }

        Assert.That(recall / 30, Is.GreaterThanOrEqualTo(0.97));
    }

    [Test]
    public void A_larger_rescore_multiplier_never_lowers_recall()
    {
        const int d = 32;
        var data = TestData.Random(3, 2000, d);
        using var index = new QuantizedVectorIndex<int>(d, VectorMetric.DotProduct);
        TestData.AddAll(index, data, d);
        var queries = TestData.Random(4, 20, d);
        double RecallWith(int multiplier)
        {
            index.RescoreMultiplier = multiplier;
            return Enumerable.Range(0, 20).Average(q =>
                TestData.Recall(TestData.ExactTop(data, d, TestData.Row(queries, d, q), 10, VectorMetric.DotProduct), index.Search(TestData.Row(queries, d, q), 10).Select(r => r.Key)));
        }

        var low = RecallWith(1);
        var high = RecallWith(50);
        Assert.That(high, Is.GreaterThanOrEqualTo(low));
        Assert.That(high, Is.GreaterThanOrEqualTo(0.99));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.RescoreMultiplier = 0);
    }
}
