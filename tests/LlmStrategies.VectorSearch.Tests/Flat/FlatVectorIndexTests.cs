namespace LlmStrategies.VectorSearch.Tests.Flat;

public sealed class FlatVectorIndexTests
{
    [TestCase(1, VectorMetric.DotProduct)]
    [TestCase(3, VectorMetric.Euclidean)]
    [TestCase(17, VectorMetric.Cosine)]
    [TestCase(63, VectorMetric.DotProduct)]
    [TestCase(129, VectorMetric.Euclidean)]
    [TestCase(384, VectorMetric.Cosine)]
    public void Exact_top_k_matches_brute_force_for_odd_dimensions_and_row_counts(int d, VectorMetric metric)
    {
        // 1,027 rows: not a multiple of the 4-row block, so the tail path runs too.
        var data = TestData.Random(d, 1027, d);
        using var index = new FlatVectorIndex<int>(d, metric);
        TestData.AddAll(index, data, d);
        for (var q = 0; q < 5; q++)
        {
            var query = TestData.Random(1000 + q, 1, d);
            var results = index.Search(query, 10);
            var exact = TestData.ExactTop(data, d, query, 10, metric);

            // Float32 accumulation may swap two neighbours whose double scores differ by less than the rounding error.
            var scores = results.Select(r => TestData.Score(query, TestData.Row(data, d, r.Key), metric)).ToArray();
            var exactScores = exact.Select(i => TestData.Score(query, TestData.Row(data, d, i), metric)).ToArray();
            Assert.That(scores, Is.EqualTo(exactScores).Within(1e-4), $"query {q}");
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Batch_search_with_many_queries_and_rows_matches_single_search(int parallelism)
    {
        const int d = 48;
        const int nq = 37;
        const int k = 9;
        var data = TestData.Random(1, 3001, d);
        using var index = new FlatVectorIndex<int>(d, VectorMetric.DotProduct);
        TestData.AddAll(index, data, d);
        var queries = TestData.Random(2, nq, d);
        var results = new VectorSearchResult<int>[nq * k];
        var counts = new int[nq];
        index.SearchBatch(queries, k, results, counts, null, parallelism);
        for (var q = 0; q < nq; q++)
        {
            var single = index.Search(TestData.Row(queries, d, q), k);
            Assert.That(results.AsSpan(q * k, counts[q]).ToArray().Select(r => r.Key), Is.EqualTo(single.Select(r => r.Key)), $"query {q}");
        }
    }

    [Test]
    public void Compaction_after_many_removals_keeps_keys_vectors_metadata_and_order()
    {
        const int d = 5;
        var data = TestData.Random(3, 500, d);
        using var index = new FlatVectorIndex<int>(d, VectorMetric.DotProduct);
        TestData.AddAll(index, data, d, i => new Dictionary<string, string> { ["parity"] = (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        index.RemoveRange(Enumerable.Range(0, 400));
        Assert.That(index.Snapshot.Count, Is.EqualTo(100), "removed slots were reclaimed");
        var stored = new float[d];
        for (var key = 400; key < 500; key++)
        {
            Assert.That(index.TryGetVector(key, stored), Is.True);
            Assert.That(stored, Is.EqualTo(TestData.Row(data, d, key).ToArray()));
        }

        var query = TestData.Random(4, 1, d);
        var results = index.Search(query, 20, VectorFilter.Equal("parity", "1"));
        Assert.That(results.Select(r => r.Key), Is.EqualTo(TestData.ExactTop(data, d, query, 20, VectorMetric.DotProduct, i => i >= 400 && i % 2 == 1)));
    }
}
