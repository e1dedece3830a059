using System.Collections.Concurrent;

namespace LlmStrategies.VectorSearch.Tests;

/// <summary>Behaviour every index kind shares (the VectorIndex base class), run against all three.</summary>
[TestFixture("flat")]
[TestFixture("int8")]
[TestFixture("hnsw")]
public sealed class VectorIndexTests(string kind)
{
    private static readonly VectorMetric[] Metrics = [VectorMetric.DotProduct, VectorMetric.Cosine, VectorMetric.Euclidean];

    [TestCaseSource(nameof(Metrics))]
    public void Search_returns_the_true_neighbours_best_first_with_exact_scores(VectorMetric metric)
    {
        const int d = 37;
        var data = TestData.Clustered(1, 600, d, 12);
        using var index = TestData.Create(kind, d, metric);
        TestData.AddAll(index, data, d);
        var queries = TestData.Clustered(2, 20, d, 12);
        double recall = 0;
        for (var qi = 0; qi < 20; qi++)
        {
            var query = TestData.Row(queries, d, qi);
            var results = index.Search(query, 10);
            Assert.That(results, Has.Length.EqualTo(10));
            for (var i = 0; i < results.Length; i++)
            {
                var expected = TestData.Score(query, TestData.Row(data, d, results[i].Key), metric);
                Assert.That(results[i].Score, Is.EqualTo(expected).Within(1e-4 * Math.Max(1, Math.Abs(expected))), "scores are exact float32 scores");
                if (i > 0)
                {
                    Assert.That(results[i].Score, Is.LessThanOrEqualTo(results[i - 1].Score), "best first");
                }
            }

            recall += TestData.Recall(TestData.ExactTop(data, d, query, 10, metric), results.Select(r => r.Key));
        }

        recall /= 20;
        Assert.That(recall, kind == "flat" ? Is.EqualTo(1.0) : Is.GreaterThanOrEqualTo(0.95), $"recall@10 of {kind}");
    }

    [Test]
    public void Ties_are_broken_by_insertion_order()
    {
        using var index = TestData.Create(kind, 4, VectorMetric.DotProduct);
        var same = new float[] { 1, 0, 0, 0 };
        for (var key = 10; key > 0; key--)
        {
            index.Add(key, same);
        }

        index.Add(100, new float[] { 0, 1, 0, 0 });
        var results = index.Search(same, 5);
        Assert.That(results.Select(r => r.Key), Is.EqualTo(new[] { 10, 9, 8, 7, 6 }));
    }

    [Test]
    public void SearchInto_writes_the_same_results_as_Search()
    {
        const int d = 16;
        var data = TestData.Random(3, 300, d);
        using var index = TestData.Create(kind, d, VectorMetric.Cosine);
        TestData.AddAll(index, data, d);
        var query = TestData.Random(4, 1, d);
        var expected = index.Search(query, 7);
        var destination = new VectorSearchResult<int>[7];
        Assert.That(index.SearchInto(query, destination), Is.EqualTo(7));
        Assert.That(destination, Is.EqualTo(expected));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Batch_search_equals_single_searches(int parallelism)
    {
        const int d = 24;
        var data = TestData.Clustered(5, 500, d, 8);
        using var index = TestData.Create(kind, d, VectorMetric.DotProduct);
        TestData.AddAll(index, data, d);
        const int nq = 23;
        const int k = 6;
        var queries = TestData.Clustered(6, nq, d, 8);
        var results = new VectorSearchResult<int>[nq * k];
        var counts = new int[nq];
        index.SearchBatch(queries, k, results, counts, maxDegreeOfParallelism: parallelism);
        for (var q = 0; q < nq; q++)
        {
            var single = index.Search(TestData.Row(queries, d, q), k);
            Assert.That(counts[q], Is.EqualTo(single.Length));
            for (var i = 0; i < k; i++)
            {
                Assert.That(results[(q * k) + i].Key, Is.EqualTo(single[i].Key), $"query {q} rank {i}");
                Assert.That(results[(q * k) + i].Score, Is.EqualTo(single[i].Score).Within(1e-5));
            }
        }
    }

    [Test]
    public void Searching_allocates_nothing_once_warm()
    {
        const int d = 40;
        var data = TestData.Clustered(12, 600, d, 6);
        using var index = TestData.Create(kind, d, VectorMetric.Cosine);
        TestData.AddAll(index, data, d, i => new Dictionary<string, string> { ["source"] = $"s{i % 3}" });
        var filter = VectorFilter.Equal("source", "s1");
        var destination = new VectorSearchResult<int>[10];
        var queries = TestData.Clustered(13, 8, d, 6);
        var results = new VectorSearchResult<int>[8 * 10];
        var counts = new int[8];
        void SearchAll()
        {
            for (var q = 0; q < 8; q++)
            {
                index.SearchInto(queries.AsSpan(q * d, d), destination);
                index.SearchInto(queries.AsSpan(q * d, d), destination, filter);
            }

            index.SearchBatch(queries, 10, results, counts);
            index.SearchBatch(queries, 10, results, counts, filter);
        }

        SearchAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        SearchAll();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Remove_and_upsert_change_what_search_returns()
    {
        const int d = 8;
        using var index = TestData.Create(kind, d, VectorMetric.Euclidean);
        var data = TestData.Random(7, 200, d);
        TestData.AddAll(index, data, d);
        var target = TestData.Row(data, d, 42).ToArray();
        Assert.That(index.Search(target, 1)[0].Key, Is.EqualTo(42));

        Assert.That(index.Remove(42), Is.True);
        Assert.That(index.Remove(42), Is.False);
        Assert.That(index.Contains(42), Is.False);
        Assert.That(index.Count, Is.EqualTo(199));
        Assert.That(index.Search(target, 5).Select(r => r.Key), Does.Not.Contain(42));

        index.Upsert(7, target);
        var best = index.Search(target, 1)[0];
        Assert.That(best.Key, Is.EqualTo(7));
        Assert.That(best.Score, Is.EqualTo(0f));
        Assert.That(index.Count, Is.EqualTo(199));
        Assert.That(index.Search(target, 200).Count(r => r.Key == 7), Is.EqualTo(1), "an upserted key appears once");

        Assert.That(index.RemoveRange([1, 2, 3, 1000]), Is.EqualTo(3));
        Assert.That(index.Count, Is.EqualTo(196));
    }

    [Test]
    public void Many_removals_keep_results_correct()
    {
        const int d = 12;
        var data = TestData.Random(8, 400, d);
        using var index = TestData.Create(kind, d, VectorMetric.DotProduct);
        TestData.AddAll(index, data, d);
        index.RemoveRange(Enumerable.Range(0, 400).Where(i => i % 3 != 0));
        Assert.That(index.Count, Is.EqualTo(134));
        var query = TestData.Random(9, 1, d);
        var results = index.Search(query, 400);
        Assert.That(results, Has.Length.EqualTo(134));
        Assert.That(results.All(r => r.Key % 3 == 0), Is.True);
        var exact = TestData.ExactTop(data, d, query, 5, VectorMetric.DotProduct, i => i % 3 == 0);
        Assert.That(results.Take(5).Select(r => r.Key), Is.EqualTo(exact));
    }

    [Test]
    public void Upsert_range_keeps_the_last_entry_of_a_repeated_key()
    {
        using var index = TestData.Create(kind, 2, VectorMetric.DotProduct);
        index.UpsertRange([new VectorEntry<int>(1, new float[] { 1, 0 }), new VectorEntry<int>(1, new float[] { 0, 1 })]);
        var stored = new float[2];
        Assert.That(index.TryGetVector(1, stored), Is.True);
        Assert.That(stored, Is.EqualTo(new float[] { 0, 1 }));
        Assert.That(index.Count, Is.EqualTo(1));
    }

    [Test]
    public void TryGetVector_returns_the_stored_vector_normalised_for_cosine()
    {
        using var index = TestData.Create(kind, 3, VectorMetric.Cosine);
        index.Add(5, new float[] { 3, 0, 4 }, new Dictionary<string, string> { ["source"] = "a" });
        var stored = new float[3];
        Assert.That(index.TryGetVector(5, stored), Is.True);
        Assert.That(stored, Is.EqualTo(new[] { 0.6f, 0f, 0.8f }).Within(1e-6f));
        Assert.That(index.TryGetVector(6, stored), Is.False);
        Assert.That(index.TryGetMetadata(5, out var metadata), Is.True);
        Assert.That(metadata!["source"], Is.EqualTo("a"));
        Assert.That(index.TryGetMetadata(6, out _), Is.False);
    }

    [Test]
    public void Filter_restricts_results_to_matching_metadata()
    {
        const int d = 10;
        var data = TestData.Clustered(10, 400, d, 5);
        using var index = TestData.Create(kind, d, VectorMetric.Cosine);
        TestData.AddAll(index, data, d, i => new Dictionary<string, string> { ["source"] = $"s{i % 4}", ["lang"] = i % 2 == 0 ? "en" : "fr" });
        var query = TestData.Row(data, d, 3).ToArray();
        var results = index.Search(query, 10, VectorFilter.Equal("source", "s1"));
        Assert.That(results, Has.Length.EqualTo(10));
        Assert.That(results.All(r => r.Key % 4 == 1), Is.True);
        var exact = TestData.ExactTop(data, d, query, 10, VectorMetric.Cosine, i => i % 4 == 1);
        Assert.That(TestData.Recall(exact, results.Select(r => r.Key)), kind == "flat" ? Is.EqualTo(1.0) : Is.GreaterThanOrEqualTo(0.8));

        var both = index.Search(query, 10, VectorFilter.Equal("source", "s1").And("lang", "en"));
        Assert.That(both, Is.Empty, "s1 rows are all odd, so none is 'en'");
        Assert.That(index.Search(query, 10, VectorFilter.Equal("source", "nowhere")), Is.Empty);

        var error = Assert.Throws<ArgumentException>(() => index.Search(query, 10, VectorFilter.Equal("sorce", "s1")));
        Assert.That(error!.Message, Does.Contain("'sorce'").And.Contain("source"));
    }

    [Test]
    public void Invalid_arguments_are_rejected_with_clear_messages()
    {
        using var index = TestData.Create(kind, 4, VectorMetric.Cosine);
        index.Add(1, new float[] { 1, 2, 3, 4 });
        Assert.That(Assert.Throws<ArgumentException>(() => index.Add(2, new float[] { 1, 2, 3 }))!.Message, Does.Contain("dimension 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => index.Add(1, new float[] { 1, 2, 3, 4 }))!.Message, Does.Contain("already stored"));
        Assert.That(Assert.Throws<ArgumentException>(() => index.Add(3, new float[] { 1, float.NaN, 3, 4 }))!.Message, Does.Contain("finite"));
        Assert.That(Assert.Throws<ArgumentException>(() => index.Add(4, new float[4]))!.Message, Does.Contain("non-zero"));
        Assert.That(Assert.Throws<ArgumentException>(() => index.Search(new float[] { 1, 2 }, 1))!.Message, Does.Contain("dimension 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => index.Search(new float[] { 1, 2, float.PositiveInfinity, 0 }, 1))!.Message, Does.Contain("finite"));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[] { 1, 2, 3, 4 }, 0));
        Assert.Throws<ArgumentException>(() => index.AddRange([new VectorEntry<int>(9, new float[] { 1, 1, 1, 1 }), new VectorEntry<int>(9, new float[] { 1, 1, 1, 1 })]));
        Assert.That(index.Contains(9), Is.False, "a rejected batch adds nothing");
        Assert.Throws<ArgumentException>(() => index.AddRange([new VectorEntry<int>(10, new float[] { 1, 1, 1, 1 }), new VectorEntry<int>(11, new float[4])]));
        Assert.Throws<ArgumentException>(() => index.AddRange([new VectorEntry<int>(12, new float[] { 1, 1, 1, 1 }, new Dictionary<string, string> { ["source"] = null! })]));
        Assert.That(index.Contains(10) || index.Contains(12), Is.False, "a batch rejected for a zero vector or a null metadata value adds nothing");
        Assert.That(index.Count, Is.EqualTo(1));
        Assert.That(index.Search(new float[] { 1, 1, 1, 1 }, 5).Select(r => r.Key), Is.EqualTo(new[] { 1 }));
        Assert.Throws<ArgumentException>(() => index.SearchBatch(new float[6], 1, new VectorSearchResult<int>[2], new int[2]));
        Assert.Throws<ArgumentException>(() => index.SearchBatch(new float[8], 2, new VectorSearchResult<int>[3], new int[2]));
    }

    [TestCase(0)]
    [TestCase(1_048_577)]
    [TestCase(int.MaxValue)]
    public void A_dimension_outside_the_supported_range_is_rejected_naming_the_limit(int dimension)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestData.Create(kind, dimension, VectorMetric.Cosine).Dispose());
        Assert.That(error!.ParamName, Is.EqualTo("dimension"));
        Assert.That(error.Message, Does.Contain("1,048,576"));
    }

    [Test]
    public void Empty_index_and_k_beyond_count_return_what_exists()
    {
        using var index = TestData.Create(kind, 3, VectorMetric.DotProduct);
        Assert.That(index.Search(new float[] { 1, 0, 0 }, 5), Is.Empty);
        index.Add(1, new float[] { 1, 0, 0 });
        index.Add(2, new float[] { 0, 1, 0 });
        Assert.That(index.Search(new float[] { 1, 0, 0 }, 5).Select(r => r.Key), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void String_keys_with_a_custom_comparer_work()
    {
        using IVectorIndex<string> index = kind switch
        {
            "flat" => new FlatVectorIndex<string>(2, VectorMetric.DotProduct, StringComparer.OrdinalIgnoreCase),
            "int8" => new QuantizedVectorIndex<string>(2, VectorMetric.DotProduct, StringComparer.OrdinalIgnoreCase),
            _ => new HnswVectorIndex<string>(2, VectorMetric.DotProduct, keyComparer: StringComparer.OrdinalIgnoreCase),
        };
        index.Add("Chunk-1", new float[] { 1, 0 });
        Assert.That(index.Contains("chunk-1"), Is.True);
        index.Upsert("CHUNK-1", new float[] { 0, 1 });
        Assert.That(index.Count, Is.EqualTo(1));
        Assert.That(index.Search(new float[] { 0, 1 }, 1)[0].Key, Is.EqualTo("CHUNK-1"));
    }

    /// <summary>
    /// One key is upserted (same vector) again and again while readers search for exactly that vector. Each upsert
    /// retires the old row and publishes the new one in one snapshot, so every search must find the key: a search
    /// holding the previous snapshot sees the old row live, a newer one sees the new row. (Marking the old row deleted
    /// in the bitmap a published snapshot shares makes in-flight searches miss the key.) The writer waits for a search
    /// to complete between upserts, so reads and writes interleave.
    /// </summary>
    [Test]
    public void A_key_being_upserted_is_never_missing_from_concurrent_searches()
    {
        const int d = 32;
        const int n = 4000;
        const int target = 1234;
        var data = TestData.Clustered(21, n, d, 20);
        var vector = TestData.Random(22, 1, d, 3f);
        vector.CopyTo(data, target * d);
        using var index = TestData.Create(kind, d, VectorMetric.Cosine);
        TestData.AddAll(index, data, d);
        Assert.That(index.Search(vector, 1)[0].Key, Is.EqualTo(target), "the target is found when nothing else runs");
        var misses = new ConcurrentQueue<string>();
        var writing = 1;
        var searches = 0;
        using var start = new Barrier(3);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            var destination = new VectorSearchResult<int>[1];
            start.SignalAndWait();
            while (Volatile.Read(ref writing) == 1)
            {
                var found = index.SearchInto(vector, destination);
                if (found != 1 || destination[0].Key != target)
                {
                    misses.Enqueue(found == 0 ? "no result" : $"{kind}: key {destination[0].Key} instead of {target}");
                }

                Interlocked.Increment(ref searches);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        start.SignalAndWait();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                index.Upsert(target, vector);
                var seen = Volatile.Read(ref searches);
                Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref searches) > seen, TimeSpan.FromSeconds(30)), Is.True, "the readers stopped searching");
            }
        }
        finally
        {
            Volatile.Write(ref writing, 0);
            Task.WaitAll(readers);
        }

        // The graph index rewrites link lists in place, so a search that reads a list mid-rewrite can miss a neighbour
        // (it is approximate); a shared deletion bitmap makes most searches that overlap an upsert miss the key.
        var allowed = kind == "hnsw" ? searches / 100 : 0;
        Assert.That(misses, Has.Count.LessThanOrEqualTo(allowed), $"{misses.Count} of {searches} searches missed the key: {string.Join("; ", misses.Take(5))}");
    }

    /// <summary>
    /// Readers search while one writer adds, upserts and removes. Every key always maps to the same vector, so a
    /// result is torn exactly when its score differs from the score of that vector; keys never added must not appear.
    /// </summary>
    [Test]
    public void Concurrent_searches_during_writes_see_consistent_results()
    {
        const int d = 16;
        const int universe = 1500;
        var data = TestData.Clustered(11, universe, d, 10);
        using var index = TestData.Create(kind, d, VectorMetric.DotProduct);
        TestData.AddAll(index, data.AsSpan(0, 200 * d).ToArray(), d);
        var everAdded = new ConcurrentDictionary<int, bool>(Enumerable.Range(0, 200).Select(i => KeyValuePair.Create(i, true)));
        var errors = new ConcurrentQueue<string>();
        var stop = 0;
        var searches = 0;

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var destination = new VectorSearchResult<int>[10];
            var batch = new VectorSearchResult<int>[3 * 10];
            var counts = new int[3];
            while (Volatile.Read(ref stop) == 0)
            {
                var query = TestData.Row(data, d, random.Next(universe)).ToArray();
                var found = index.SearchInto(query, destination);
                Check(query, destination.AsSpan(0, found));
                var queries = data.AsSpan(random.Next(universe - 3) * d, 3 * d).ToArray();
                index.SearchBatch(queries, 10, batch, counts);
                for (var q = 0; q < 3; q++)
                {
                    Check(queries.AsSpan(q * d, d).ToArray(), batch.AsSpan(q * 10, counts[q]));
                }

                Interlocked.Increment(ref searches);
            }
        })).ToArray();

        void Check(float[] query, Span<VectorSearchResult<int>> results)
        {
            var seen = new HashSet<int>();
            for (var i = 0; i < results.Length; i++)
            {
                var key = results[i].Key;
                if (!everAdded.ContainsKey(key))
                {
                    errors.Enqueue($"key {key} was never added");
                    continue;
                }

                if (!seen.Add(key))
                {
                    errors.Enqueue($"key {key} returned twice");
                }

                var expected = TestData.Score(query, TestData.Row(data, d, key), VectorMetric.DotProduct);
                if (Math.Abs(results[i].Score - expected) > 1e-3 * Math.Max(1, Math.Abs(expected)))
                {
                    errors.Enqueue($"key {key} scored {results[i].Score}, its vector scores {expected}");
                }

                if (i > 0 && results[i].Score > results[i - 1].Score)
                {
                    errors.Enqueue("results out of order");
                }
            }
        }

        try
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref searches) >= 3, TimeSpan.FromSeconds(30));
            var random = new Random(99);
            for (var next = 200; next < universe; next += 10)
            {
                foreach (var key in Enumerable.Range(next, 10))
                {
                    everAdded[key] = true;
                }

                index.AddRange(Enumerable.Range(next, 10).Select(i => new VectorEntry<int>(i, data.AsMemory(i * d, d))));
                index.Remove(random.Next(next));
                var again = random.Next(next);
                index.Upsert(again, TestData.Row(data, d, again));
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            Task.WaitAll(readers);
        }

        Assert.That(errors, Is.Empty, string.Join("\n", errors.Take(10)));
        Assert.That(searches, Is.GreaterThan(0));
    }
}
