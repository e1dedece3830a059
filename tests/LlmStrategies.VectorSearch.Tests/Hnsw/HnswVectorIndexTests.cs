namespace LlmStrategies.VectorSearch.Tests.Hnsw;

public sealed class HnswVectorIndexTests
{
    private const int D = 24;

    [Test]
    public void Same_seed_and_inserts_build_the_same_graph()
    {
        var data = TestData.Clustered(1, 1500, D, 20);
        var options = new HnswOptions { M = 8, EfConstruction = 40, Seed = 123 };
        using var first = new HnswVectorIndex<int>(D, VectorMetric.Cosine, options);
        using var second = new HnswVectorIndex<int>(D, VectorMetric.Cosine, options);
        TestData.AddAll(first, data, D);
        for (var i = 0; i < 1500; i++)
        {
            second.Add(i, TestData.Row(data, D, i));
        }

        Assert.That(first.EntryPoint, Is.EqualTo(second.EntryPoint));
        Assert.That(first.Graph.Level0Array.AsSpan(0, 1500 * first.Graph.Stride0).ToArray(), Is.EqualTo(second.Graph.Level0Array.AsSpan(0, 1500 * second.Graph.Stride0).ToArray()));

        using var reseeded = new HnswVectorIndex<int>(D, VectorMetric.Cosine, options with { Seed = 124 });
        TestData.AddAll(reseeded, data, D);
        Assert.That(Enumerable.Range(0, 1500).Select(reseeded.LevelFor), Is.Not.EqualTo(Enumerable.Range(0, 1500).Select(first.LevelFor)), "the seed drives the layers");
    }

    [Test]
    public void A_key_upserted_many_times_with_the_same_vector_stays_findable()
    {
        // Each upsert leaves a removed copy of the vector in the graph (it keeps routing). Removed copies used to win the
        // neighbour slots of the new copy's neighbours (equal scores, older ids first), so the live copy lost every
        // incoming link and searches stopped finding it.
        var data = TestData.Clustered(21, 2000, D, 20);
        var vector = TestData.Random(22, 1, D, 3f);
        using var index = new HnswVectorIndex<int>(D, VectorMetric.Cosine, new HnswOptions { M = 8, EfConstruction = 64, EfSearch = 64 });
        TestData.AddAll(index, data, D);
        index.Add(-1, vector);
        var lost = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            index.Upsert(-1, vector);
            if (index.Search(vector, 1) is not [{ Key: -1 }])
            {
                lost.Add(i);
            }
        }

        Assert.That(lost, Is.Empty, $"the key was not found after upserts {string.Join(", ", lost.Take(10))}");
        Assert.That(index.Count, Is.EqualTo(2001));
    }

    [Test]
    public void Searches_at_a_high_ef_allocate_nothing_after_one_warm_query()
    {
        // Queries far from the data explore more of the graph than a query inside a cluster; the candidate heap used to
        // grow (allocate) on the first query that needed more room than the warm-up one.
        var data = TestData.Clustered(5, 3000, D, 30);
        using var index = new HnswVectorIndex<int>(D, VectorMetric.Cosine, new HnswOptions { M = 8, EfConstruction = 64, EfSearch = 400 });
        TestData.AddAll(index, data, D);
        var destination = new VectorSearchResult<int>[10];
        index.SearchInto(TestData.Row(data, D, 0), destination);
        var queries = TestData.Random(6, 300, D);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var q = 0; q < 300; q++)
        {
            index.SearchInto(TestData.Row(queries, D, q), destination);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Layers_follow_the_geometric_distribution()
    {
        using var index = new HnswVectorIndex<int>(4, options: new HnswOptions { M = 16 });
        var levels = Enumerable.Range(0, 100_000).Select(index.LevelFor).ToArray();
        var aboveZero = levels.Count(l => l > 0) / 100_000.0;
        Assert.That(aboveZero, Is.EqualTo(1.0 / 16).Within(0.01));
    }

    [Test]
    public void Parallel_build_reaches_the_same_recall()
    {
        var data = TestData.Clustered(2, 3000, D, 30);
        var queries = TestData.Clustered(3, 40, D, 30);
        using var index = new HnswVectorIndex<int>(D, VectorMetric.Cosine, new HnswOptions { M = 12, EfConstruction = 80, EfSearch = 60, BuildParallelism = 2 });
        TestData.AddAll(index, data, D);
        var recall = Enumerable.Range(0, 40).Average(q =>
            TestData.Recall(TestData.ExactTop(data, D, TestData.Row(queries, D, q), 10, VectorMetric.Cosine), index.Search(TestData.Row(queries, D, q), 10).Select(r => r.Key)));
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(index.Count, Is.EqualTo(3000));
    }

    [Test]
    public void Higher_ef_search_gives_at_least_the_recall_of_lower()
    {
        var data = TestData.Random(4, 3000, D);
        var queries = TestData.Random(5, 40, D);
        using var index = new HnswVectorIndex<int>(D, VectorMetric.Euclidean, new HnswOptions { M = 4, EfConstruction = 8 });
        TestData.AddAll(index, data, D);
        double RecallAt(int ef)
        {
            index.EfSearch = ef;
            return Enumerable.Range(0, 40).Average(q =>
                TestData.Recall(TestData.ExactTop(data, D, TestData.Row(queries, D, q), 10, VectorMetric.Euclidean), index.Search(TestData.Row(queries, D, q), 10).Select(r => r.Key)));
        }

        var low = RecallAt(10);
        var high = RecallAt(400);
        Assert.That(high, Is.GreaterThanOrEqualTo(low));
        Assert.That(high, Is.GreaterThan(0.9));
    }

    [Test]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HnswVectorIndex<int>(4, options: new HnswOptions { M = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HnswVectorIndex<int>(4, options: new HnswOptions { M = 16, EfConstruction = 8 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HnswVectorIndex<int>(4, options: new HnswOptions { BuildParallelism = 0 }));
        using var index = new HnswVectorIndex<int>(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.EfSearch = 0);
    }
}
