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
    [TestCase(3)]
    [TestCase(8)]
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

    /// <summary>
    /// A parallel batch is split by rows (private heaps per worker, merged) unless the heaps would be too large, then by
    /// queries; both must equal single searches, including ties across the workers' row ranges, removed rows and filters.
    /// </summary>
    [TestCase(VectorMetric.DotProduct, 10, 4)]
    [TestCase(VectorMetric.Euclidean, 10, 3)]
    [TestCase(VectorMetric.DotProduct, 1200, 4)]
    public void Parallel_batch_split_by_rows_or_by_queries_equals_single_searches(VectorMetric metric, int k, int parallelism)
    {
        const int d = 40;
        const int n = 6000;
        const int nq = 900;
        var data = TestData.Random(3, n, d);
        for (var i = 3000; i < n; i += 7)
        {
            TestData.Row(data, d, i - 3000).CopyTo(data.AsSpan(i * d, d)); // exact duplicates in another row range: ties
        }

        using var index = new FlatVectorIndex<int>(d, metric);
        TestData.AddAll(index, data, d, i => new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString() });
        index.RemoveRange(Enumerable.Range(0, n).Where(i => i % 11 == 5));
        var queries = TestData.Random(4, nq, d);
        var filter = VectorFilter.Equal("even", "True");
        foreach (var f in new[] { null, filter })
        {
            // The same kernels run either way, so the split must not change a single bit of the results.
            var sequential = new VectorSearchResult<int>[nq * k];
            var sequentialCounts = new int[nq];
            index.SearchBatch(queries, k, sequential, sequentialCounts, f, 1);
            var results = new VectorSearchResult<int>[nq * k];
            var counts = new int[nq];
            index.SearchBatch(queries, k, results, counts, f, parallelism);
            Assert.That(counts, Is.EqualTo(sequentialCounts));
            Assert.That(results, Is.EqualTo(sequential), $"filter {f is not null}");

            // Against single searches (another kernel, so scores agree to rounding and near-ties may swap): the same score list.
            for (var q = 0; q < nq; q += 13)
            {
                var single = index.Search(TestData.Row(queries, d, q), k, f);
                Assert.That(results.AsSpan(q * k, counts[q]).ToArray().Select(r => r.Score), Is.EqualTo(single.Select(r => r.Score)).Within(1e-4f), $"query {q}, filter {f is not null}");
            }
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
