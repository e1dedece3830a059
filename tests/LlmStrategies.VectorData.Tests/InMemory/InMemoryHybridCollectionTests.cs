using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.VectorData.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData.Tests.InMemory;

/// <summary>The in-memory hybrid collection, exercised only through the Microsoft.Extensions.VectorData abstractions.</summary>
public class InMemoryHybridCollectionTests
{
    private const int Dimensions = 16;
    private static readonly string[] Colors = ["red", "green", "blue"];

    [Test]
    public async Task UpsertedRecords_RoundTripThroughGet_AsCopies()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(0);
        var original = new Point { Id = 7, Color = "red", Size = 3, Active = true, Note = "seven", Vector = Vector(1) };
        await collection.UpsertAsync(original);
        original.Color = "changed after upsert";

        var withoutVectors = await collection.GetAsync(7);
        var withVectors = await collection.GetAsync(7, new RecordRetrievalOptions { IncludeVectors = true });
        var missing = await collection.GetAsync(8);

        Assert.Multiple(() =>
        {
            Assert.That(withoutVectors, Is.Not.Null.And.Not.SameAs(original));
            Assert.That(withoutVectors!.Color, Is.EqualTo("red"), "the collection keeps its own copy");
            Assert.That((withoutVectors.Size, withoutVectors.Active, withoutVectors.Note), Is.EqualTo((3L, true, "seven")));
            Assert.That(withoutVectors.Vector.Length, Is.Zero, "vectors are left out unless IncludeVectors is set");
            Assert.That(withVectors!.Vector.ToArray(), Is.EqualTo(Vector(1).ToArray()), "the vector as given, not normalised");
            Assert.That(missing, Is.Null);
        });
    }

    [Test]
    public async Task BatchUpsertGetAndDelete_WorkOnManyKeys_AndUpsertReplaces()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(10);
        await collection.UpsertAsync(new Point { Id = 3, Color = "blue", Size = 99, Vector = Vector(1234) });

        var got = await collection.GetAsync([1, 3, 42]).ToListAsync();
        await collection.DeleteAsync([1, 2, 42]);
        var remaining = await collection.GetAsync(p => true, 100).ToListAsync();
        var three = await collection.GetAsync(3);

        Assert.Multiple(() =>
        {
            Assert.That(got.Select(p => p.Id), Is.EquivalentTo(new[] { 1, 3 }), "unknown keys are skipped");
            Assert.That(remaining.Select(p => p.Id), Is.EqualTo(new[] { 0, 3, 4, 5, 6, 7, 8, 9 }), "insertion order; a replaced key keeps its place");
            Assert.That(three!.Size, Is.EqualTo(99), "the second upsert replaced the record");
        });
    }

    [TestCase(null, true)]
    [TestCase(DistanceFunction.CosineSimilarity, true)]
    [TestCase(DistanceFunction.CosineDistance, false)]
    [TestCase(DistanceFunction.DotProductSimilarity, true)]
    [TestCase(DistanceFunction.NegativeDotProductSimilarity, false)]
    [TestCase(DistanceFunction.EuclideanDistance, false)]
    [TestCase(DistanceFunction.EuclideanSquaredDistance, false)]
    public async Task Search_MatchesBruteForce_ForEveryDistanceFunction(string? distanceFunction, bool higherIsBetter)
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(300, distanceFunction: distanceFunction);
        var points = Enumerable.Range(0, 300).Select(i => Vector(i)).ToArray();

        for (var q = 0; q < 10; q++)
        {
            var query = Vector(10_000 + q);
            var expected = points
                .Select((p, i) => (Id: i, Score: BruteForce(distanceFunction, query.Span, p.Span)))
                .OrderBy(x => higherIsBetter ? -x.Score : x.Score)
                .Take(10)
                .ToArray();

            var found = await collection.SearchAsync(query, 10).ToListAsync();

            Assert.That(found.Select(r => r.Record.Id), Is.EqualTo(expected.Select(e => e.Id)), $"query {q}");
            Assert.That(found.Select(r => r.Score!.Value), Is.EqualTo(expected.Select(e => e.Score)).Within(1e-4), $"query {q}: scores on the function's own scale");
        }
    }

    [TestCase(IndexKind.Hnsw)]
    [TestCase(IndexKind.QuantizedFlat)]
    public async Task ApproximateIndexKinds_FindWhatBruteForceFinds(string indexKind)
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(500, indexKind: indexKind);
        var points = Enumerable.Range(0, 500).Select(i => Vector(i)).ToArray();
        var hits = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = Vector(20_000 + q);
            var expected = points.Select((p, i) => (i, BruteForce(null, query.Span, p.Span))).OrderByDescending(x => x.Item2).Take(10).Select(x => x.i).ToHashSet();
            var found = await collection.SearchAsync(query, 10).ToListAsync();
            hits += found.Count(r => expected.Contains(r.Record.Id));
        }

        // Measured: HNSW 200/200, int8 with float re-scoring 200/200; 0.95 leaves room for another seed or CPU.
        Assert.That(hits / 200.0, Is.GreaterThanOrEqualTo(0.95), $"recall@10 of {indexKind}");
    }

    [Test]
    public async Task SkipAndScoreThreshold_PageAndCutResults_OnTheFunctionsOwnScale()
    {
        using VectorStoreCollection<int, Point> similarity = await CreatePointsAsync(50);
        using VectorStoreCollection<int, Point> distance = await CreatePointsAsync(50, distanceFunction: DistanceFunction.EuclideanDistance);
        var query = Vector(777);

        var all = await similarity.SearchAsync(query, 10).ToListAsync();
        var skipped = await similarity.SearchAsync(query, 5, new VectorSearchOptions<Point> { Skip = 3 }).ToListAsync();
        var aboveThreshold = await similarity.SearchAsync(query, 50, new VectorSearchOptions<Point> { ScoreThreshold = all[4].Score }).ToListAsync();
        var nearest = await distance.SearchAsync(query, 10).ToListAsync();
        var withinDistance = await distance.SearchAsync(query, 50, new VectorSearchOptions<Point> { ScoreThreshold = nearest[2].Score }).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(skipped.Select(r => r.Record.Id), Is.EqualTo(all.Skip(3).Take(5).Select(r => r.Record.Id)));
            Assert.That(aboveThreshold.Select(r => r.Record.Id), Is.EqualTo(all.Take(5).Select(r => r.Record.Id)), "similarities at least the threshold");
            Assert.That(withinDistance.Select(r => r.Record.Id), Is.EqualTo(nearest.Take(3).Select(r => r.Record.Id)), "distances at most the threshold");
        });
    }

    [Test]
    public async Task Filters_OnIndexedProperties_MatchWhatLinqToObjectsMatches()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(120);
        var records = Enumerable.Range(0, 120).Select(PointAt).ToArray();
        var wanted = "green";
        long size = 2;

        await Check(p => p.Color == "red");
        await Check(p => p.Color == wanted && p.Size == size);
        await Check(p => p.Color == "red" || p.Color == "blue");
        await Check(p => new[] { "blue", "green" }.Contains(p.Color) && p.Active);
        await Check(p => !p.Active && 3 == p.Size);
        await Check(p => p.Color == null);
        var none = new List<string>();
        await Check(p => none.Contains(p.Color!));
        await Check(p => false);

        async Task Check(System.Linq.Expressions.Expression<Func<Point, bool>> filter)
        {
            var expected = records.Where(filter.Compile()).Select(p => p.Id).ToHashSet();
            var found = await collection.SearchAsync(Vector(999), 120, new VectorSearchOptions<Point> { Filter = filter }).ToListAsync();
            var listed = await collection.GetAsync(filter, 120).ToListAsync();
            Assert.Multiple(() =>
            {
                Assert.That(found.Select(r => r.Record.Id), Is.EquivalentTo(expected), $"search with {filter}");
                Assert.That(listed.Select(r => r.Id), Is.EquivalentTo(expected), $"get with {filter}");
            });
        }
    }

    [Test]
    public async Task FilteredSearch_RanksLikeBruteForceOverTheMatchingRecords()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(300);
        var query = Vector(4242);
        var expected = Enumerable.Range(0, 300).Select(PointAt).Where(p => p.Color is "red" or "blue" && p.Active)
            .OrderByDescending(p => BruteForce(null, query.Span, p.Vector.Span)).Take(7).Select(p => p.Id);

        var found = await collection.SearchAsync(query, 7, new VectorSearchOptions<Point> { Filter = p => (p.Color == "red" || p.Color == "blue") && p.Active }).ToListAsync();

        Assert.That(found.Select(r => r.Record.Id), Is.EqualTo(expected), "the multi-value condition is checked on over-fetched candidates");
    }

    [Test]
    public async Task UnsupportedFilters_AreSpecificErrors_NamingTheConstruct()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(5);

        Assert.Multiple(() =>
        {
            Assert.That(() => collection.SearchAsync(Vector(1), 3, new VectorSearchOptions<Point> { Filter = p => p.Size > 2 }).ToListAsync().AsTask(),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("GreaterThan"));
            Assert.That(() => collection.SearchAsync(Vector(1), 3, new VectorSearchOptions<Point> { Filter = p => p.Color != "red" }).ToListAsync().AsTask(),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("NotEqual"));
            Assert.That(() => collection.SearchAsync(Vector(1), 3, new VectorSearchOptions<Point> { Filter = p => p.Color == "red" || p.Size == 2 }).ToListAsync().AsTask(),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("across different properties"));
            Assert.That(() => collection.GetAsync(p => p.Color!.StartsWith("re", StringComparison.Ordinal), 3).ToListAsync().AsTask(),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("String.StartsWith"));
            Assert.That(() => collection.GetAsync(p => p.Note == "seven", 3).ToListAsync().AsTask(),
                Throws.InvalidOperationException.With.Message.Contains("'Note'").And.Message.Contains("IsIndexed = true"));
        });
    }

    [Test]
    public async Task GetWithFilter_OrdersSkipsAndTakes()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(30);

        var page = await collection.GetAsync(p => p.Active, 4, new FilteredRecordRetrievalOptions<Point>
        {
            Skip = 1,
            OrderBy = o => o.Descending(p => p.Size).Ascending(p => p.Id),
        }).ToListAsync();

        var expected = Enumerable.Range(0, 30).Select(PointAt).Where(p => p.Active).OrderByDescending(p => p.Size).ThenBy(p => p.Id).Skip(1).Take(4);
        Assert.That(page.Select(p => p.Id), Is.EqualTo(expected.Select(p => p.Id)));
    }

    [Test]
    public async Task WrongDimensions_AreSpecificErrors_AndStoreNothing()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(0);

        Assert.Multiple(() =>
        {
            Assert.That(() => collection.UpsertAsync([new Point { Id = 1, Vector = Vector(1) }, new Point { Id = 2, Vector = new float[8] }]),
                Throws.ArgumentException.With.Message.Contains("Record '2' has a 8-dimensional vector in property 'Vector', which is declared with 16 dimensions"));
            Assert.That(() => collection.SearchAsync(new float[8], 3).ToListAsync().AsTask(),
                Throws.ArgumentException.With.Message.Contains("8 dimensions but vector property 'Vector' has 16"));
            Assert.That(() => collection.UpsertAsync(new Point { Id = 3, Vector = new float[16] }),
                Throws.ArgumentException.With.Message.Contains("all-zero vector"));
        });
        Assert.That(await collection.GetAsync(1), Is.Null, "a rejected batch stores none of its records");
    }

    [Test]
    public async Task EmptySearchInput_AndInputsWithoutAGenerator_AreSpecificErrors()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(3);

        Assert.Multiple(() =>
        {
            Assert.That(() => collection.SearchAsync("red things", 3).ToListAsync().AsTask(),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("type 'string'").And.Message.Contains("no embedding generator"), "text without an embedding generator");
            Assert.That(() => collection.SearchAsync("  ", 3).ToListAsync().AsTask(), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(() => collection.SearchAsync(Vector(1), 0).ToListAsync().AsTask(), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public async Task ACollectionMustExist_BeforeItIsUsed_AsInOtherConnectors()
    {
        using VectorStoreCollection<int, Point> collection = new InMemoryHybridCollection<int, Point>("points");

        Assert.That(await collection.CollectionExistsAsync(), Is.False);
        var error = Assert.ThrowsAsync<VectorStoreException>(() => collection.UpsertAsync(PointAt(1)));
        Assert.That(error!.Message, Does.Contain("'points' does not exist").And.Contain("EnsureCollectionExistsAsync"));
        Assert.That(error.CollectionName, Is.EqualTo("points"));

        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(PointAt(1));
        Assert.That(await collection.CollectionExistsAsync(), Is.True);

        await collection.EnsureCollectionDeletedAsync();
        Assert.That(await collection.CollectionExistsAsync(), Is.False);
        Assert.ThrowsAsync<VectorStoreException>(() => collection.GetAsync(1));
    }

    [Test]
    public void UnsupportedModels_FailAtConstruction_NamingThePropertyAndTheChoices()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PointsWith(new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), Dimensions) { DistanceFunction = DistanceFunction.HammingDistance }),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("'Vector'").And.Message.Contains("HammingDistance").And.Message.Contains("CosineSimilarity"));
            Assert.That(() => PointsWith(new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), Dimensions) { IndexKind = IndexKind.DiskAnn }),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("DiskAnn").And.Message.Contains("Hnsw"));
            Assert.That(() => new InMemoryHybridCollection<string, Tagged>("tagged"),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("'Tags'").And.Message.Contains("IsIndexed"));
            Assert.That(() => new InMemoryHybridCollection<string, NumberText>("numbers"),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("'Count'").And.Message.Contains("IsFullTextIndexed"));
            Assert.That(() => new InMemoryHybridCollection<string, Doc>("docs", new InMemoryHybridCollectionOptions { Fusion = new HybridFusionOptions { VectorWeight = 0, KeywordWeight = 0 } }),
                Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("not both 0"));
        });
    }

    [Test]
    public async Task HybridSearch_FusesVectorAndKeywordRanks_ByWeightedReciprocalRank()
    {
        using VectorStoreCollection<string, Doc> collection = await CreateDocsAsync();
        var hybrid = (IKeywordHybridSearchable<Doc>)collection;

        // Among the English docs, vector order for [1, 0, 0, 0] is near, mid, far, other; keyword order for "xr500 firmware" is far (both words), mid (one).
        var english = new HybridSearchOptions<Doc> { Filter = d => d.Lang == "en" };
        var found = await hybrid.HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["xr500", "firmware"], 4, english).ToListAsync();

        Assert.That(found.Select(r => r.Record.Id), Is.EqualTo(new[] { "far", "mid", "near", "other" }));
        Assert.That(found.Select(r => r.Score!.Value), Is.EqualTo(new[]
        {
            (1.0 / 63) + (1.0 / 61),
            (1.0 / 62) + (1.0 / 62),
            1.0 / 61,
            1.0 / 64,
        }).Within(1e-12));
    }

    [Test]
    public async Task HybridSearch_UsesTheRetrievalPackagesFusion_MinMaxToo()
    {
        using VectorStoreCollection<string, Doc> collection = await CreateDocsAsync(new HybridFusionOptions { Method = FusionMethod.MinMax });
        var english = new HybridSearchOptions<Doc> { Filter = d => d.Lang == "en" };

        var found = await ((IKeywordHybridSearchable<Doc>)collection).HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["xr500", "firmware"], 4, english).ToListAsync();

        // Cosines to [1, 0, 0, 0]: near 1/√1.01, mid 1/√1.25, far 1/√3.25, other 0, scaled by the largest (min 0);
        // keywords: far (both words) 1, mid (one word) 0 after min-max scaling. Rank fusion would put mid before near.
        var near = 1 / Math.Sqrt(1.01);
        Assert.That(found.Select(r => r.Record.Id), Is.EqualTo(new[] { "far", "near", "mid", "other" }));
        Assert.That(found.Select(r => r.Score!.Value), Is.EqualTo(new[]
        {
            (1 / Math.Sqrt(3.25) / near) + 1,
            1.0,
            1 / Math.Sqrt(1.25) / near,
            0.0,
        }).Within(1e-6));
    }

    [Test]
    public async Task HybridSearch_HonoursTheWeights_AndTheFilterInBothLists()
    {
        using VectorStoreCollection<string, Doc> vectorOnly = await CreateDocsAsync(new HybridFusionOptions { VectorWeight = 1, KeywordWeight = 0 });
        using VectorStoreCollection<string, Doc> keywordHeavy = await CreateDocsAsync(new HybridFusionOptions { VectorWeight = 1, KeywordWeight = 10 });
        var query = new float[] { 1, 0, 0, 0 };

        var english = new HybridSearchOptions<Doc> { Filter = d => d.Lang == "en" };
        var byVector = await ((IKeywordHybridSearchable<Doc>)vectorOnly).HybridSearchAsync(query, ["xr500", "firmware"], 3, english).ToListAsync();
        var byKeyword = await ((IKeywordHybridSearchable<Doc>)keywordHeavy).HybridSearchAsync(query, ["xr500", "firmware"], 2, english).ToListAsync();
        var german = await ((IKeywordHybridSearchable<Doc>)keywordHeavy).HybridSearchAsync(query, ["xr500", "firmware"], 5, new HybridSearchOptions<Doc> { Filter = d => d.Lang == "de" }).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(byVector.Select(r => r.Record.Id), Is.EqualTo(new[] { "near", "mid", "far" }));
            Assert.That(byKeyword.Select(r => r.Record.Id), Is.EqualTo(new[] { "far", "mid" }));
            Assert.That(german.Select(r => r.Record.Id), Is.EqualTo(new[] { "far-de" }), "the filter applies to the vector and the keyword list");
        });
    }

    [Test]
    public async Task HybridSearch_BadInput_IsASpecificError()
    {
        using VectorStoreCollection<string, Doc> docs = await CreateDocsAsync();
        using VectorStoreCollection<int, Point> points = await CreatePointsAsync(3);

        Assert.Multiple(() =>
        {
            Assert.That(() => ((IKeywordHybridSearchable<Doc>)docs).HybridSearchAsync(new float[] { 1, 0, 0, 0 }, [" ", ""], 3).ToListAsync().AsTask(),
                Throws.ArgumentException.With.Message.Contains("keywords are empty"));
            Assert.That(() => ((IKeywordHybridSearchable<Point>)points).HybridSearchAsync(Vector(1), ["red"], 3).ToListAsync().AsTask(),
                Throws.InvalidOperationException.With.Message.Contains("no full-text property").And.Message.Contains("IsFullTextIndexed"));
        });
    }

    [Test]
    public async Task StringSearch_IsEmbeddedByTheCollectionsGenerator_WithRealEmbeddings()
    {
        using VectorStoreCollection<string, Paragraph> collection = new InMemoryHybridCollection<string, Paragraph>(
            "manual", new InMemoryHybridCollectionOptions { EmbeddingGenerator = LocalModel.Generator });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Manual.Paragraphs());

        var found = await collection.SearchAsync("What is the warranty on the router?", 3).ToListAsync();
        var wifi = await collection.SearchAsync("I forgot the wireless network key", 1).ToListAsync();
        var night = await collection.SearchAsync("Can the camera see in the dark?", 1).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(found[0].Record.Id, Is.EqualTo("warranty"), $"got {string.Join(", ", found.Select(r => $"{r.Record.Id} {r.Score:F3}"))}");
            Assert.That(wifi[0].Record.Id, Is.EqualTo("wifi-password"), "no word in common with the paragraph");
            Assert.That(night[0].Record.Id, Is.EqualTo("camera-night"), "no content word in common");
            Assert.That(() => collection.GetAsync("warranty", new RecordRetrievalOptions { IncludeVectors = true }),
                Throws.TypeOf<NotSupportedException>(), "generated vectors cannot be returned in a string property, as in other connectors");
        });
    }

    [Test]
    public async Task AGeneratorOfAnotherDimension_IsASpecificError()
    {
        using VectorStoreCollection<string, Paragraph> collection = new InMemoryHybridCollection<string, Paragraph>(
            "manual", new InMemoryHybridCollectionOptions { EmbeddingGenerator = new HashingEmbeddingGenerator(64) });
        await collection.EnsureCollectionExistsAsync();

        Assert.That(() => collection.UpsertAsync(Manual.Paragraphs()),
            Throws.InvalidOperationException.With.Message.Contains("returned 64-dimensional vectors").And.Message.Contains("declared with 512 dimensions"));
        Assert.That(() => collection.SearchAsync("warranty", 1).ToListAsync().AsTask(),
            Throws.ArgumentException.With.Message.Contains("64 dimensions but vector property 'Embedding' has 512"));
    }

    [Test]
    public async Task EmbeddingVectors_AndAutoGeneratedGuidKeys_RoundTrip()
    {
        using VectorStoreCollection<Guid, EmbeddedParagraph> collection = new InMemoryHybridCollection<Guid, EmbeddedParagraph>("embedded");
        await collection.EnsureCollectionExistsAsync();
        var record = new EmbeddedParagraph { Text = "hello", Vector = new Embedding<float>(Enumerable.Range(1, 512).Select(i => (float)i).ToArray()) };

        await collection.UpsertAsync(record);
        var found = await collection.SearchAsync(record.Vector.Vector, 1, new VectorSearchOptions<EmbeddedParagraph> { IncludeVectors = true }).SingleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(record.Id, Is.Not.EqualTo(Guid.Empty), "an empty Guid key is generated and written back, as in other connectors");
            Assert.That(found.Record.Id, Is.EqualTo(record.Id));
            Assert.That(found.Record.Vector!.Vector.ToArray(), Is.EqualTo(record.Vector.Vector.ToArray()));
            Assert.That(found.Score, Is.EqualTo(1.0).Within(1e-6));
        });
    }

    [Test]
    public async Task SearchesRunWhileWritersUpsertAndDelete_AndSeeOnlyWholeRecords()
    {
        using VectorStoreCollection<int, Point> collection = await CreatePointsAsync(100);
        using var writersDone = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var id = 1_000 + (w * 1_000) + i;
                await collection.UpsertAsync([PointAt(id), PointAt(id + 500)]);
                await collection.DeleteAsync(id + 500);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var searches = 0;
            while (!writersDone.IsCancellationRequested || searches == 0)
            {
                var found = await collection.SearchAsync(Vector(r), 20, new VectorSearchOptions<Point> { Filter = p => p.Color == "red" || p.Color == "green" }).ToListAsync();
                Assert.That(found.Select(f => f.Record.Color), Has.All.AnyOf("red", "green"));
                Assert.That(found.Select(f => f.Record.Note), Has.All.EqualTo(null).Or.StartWith("point "));
                searches++;
            }

            return searches;
        })).ToArray();

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        var searchCounts = await Task.WhenAll(readers);
        var all = await collection.GetAsync(p => true, 10_000).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(searchCounts, Has.All.GreaterThan(0));
            Assert.That(all, Has.Count.EqualTo(100 + 400), "every upsert kept, every delete applied");
            Assert.That(all.Select(p => p.Id).Distinct().Count(), Is.EqualTo(all.Count));
        });
    }

    [Test]
    public async Task Services_DescribeTheCollection()
    {
        using VectorStoreCollection<string, Doc> collection = await CreateDocsAsync();

        var metadata = (VectorStoreCollectionMetadata?)collection.GetService(typeof(VectorStoreCollectionMetadata));

        Assert.Multiple(() =>
        {
            Assert.That(metadata?.CollectionName, Is.EqualTo("docs"));
            Assert.That(metadata?.VectorStoreSystemName, Is.EqualTo("llmstrategies.inmemoryhybrid"));
            Assert.That(collection.GetService(typeof(IKeywordHybridSearchable<Doc>)), Is.SameAs(collection));
            Assert.That(collection.GetService(typeof(VectorStoreCollectionMetadata), "key"), Is.Null);
        });
    }

    internal static ReadOnlyMemory<float> Vector(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    internal static Point PointAt(int i) => new()
    {
        Id = i,
        Color = i % 10 == 9 ? null : Colors[i % 3],
        Size = i % 4,
        Active = i % 2 == 0,
        Note = $"point {i}",
        Vector = Vector(i),
    };

    internal static async Task<InMemoryHybridCollection<int, Point>> CreatePointsAsync(int count, string? distanceFunction = null, string? indexKind = null)
    {
        var definition = distanceFunction is null && indexKind is null ? null : new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), Dimensions) { DistanceFunction = distanceFunction, IndexKind = indexKind }],
        };
        var collection = new InMemoryHybridCollection<int, Point>("points", new InMemoryHybridCollectionOptions { Definition = definition });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, count).Select(PointAt));
        return collection;
    }

    internal static async Task<InMemoryHybridCollection<string, Doc>> CreateDocsAsync(HybridFusionOptions? fusion = null)
    {
        var collection = new InMemoryHybridCollection<string, Doc>("docs", new InMemoryHybridCollectionOptions { Fusion = fusion });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new Doc { Id = "near", Text = "guest network setup", Vector = [1, 0.1f, 0, 0] },
            new Doc { Id = "mid", Text = "installing firmware updates", Vector = [1, 0.5f, 0, 0] },
            new Doc { Id = "far", Text = "xr500 firmware release notes", Vector = [1, 1.5f, 0, 0] },
            new Doc { Id = "other", Text = "warranty terms", Vector = [0, 0, 1, 0] },
            new Doc { Id = "far-de", Text = "xr500 firmware versionshinweise", Lang = "de", Vector = [0, 0, 0, 1] },
        ]);
        return collection;
    }

    private static InMemoryHybridCollection<int, Point> PointsWith(VectorStoreVectorProperty vector) =>
        new("points", new InMemoryHybridCollectionOptions { Definition = new VectorStoreCollectionDefinition { Properties = [vector] } });

    private static double BruteForce(string? distanceFunction, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0, squared = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
            squared += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        }

        var cosine = dot / Math.Sqrt(na * nb);
        return distanceFunction switch
        {
            null or DistanceFunction.CosineSimilarity => cosine,
            DistanceFunction.CosineDistance => 1 - cosine,
            DistanceFunction.DotProductSimilarity => dot,
            DistanceFunction.NegativeDotProductSimilarity => -dot,
            DistanceFunction.EuclideanDistance => Math.Sqrt(squared),
            _ => squared,
        };
    }

    public sealed class Tagged
    {
        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData(IsIndexed = true)]
        public List<string> Tags { get; set; } = [];

        [VectorStoreVector(4)]
        public float[]? Vector { get; set; }
    }

    public sealed class NumberText
    {
        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData(IsFullTextIndexed = true)]
        public int Count { get; set; }

        [VectorStoreVector(4)]
        public float[]? Vector { get; set; }
    }
}
