using LlmStrategies.VectorData.Tests.TestDoubles;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData.Tests.InMemory;

/// <summary>The in-memory hybrid store, exercised only through <see cref="VectorStore"/>.</summary>
public class InMemoryHybridVectorStoreTests
{
    [Test]
    public async Task CollectionsOfOneName_ShareTheirData_AndTheStoreListsAndDeletesThem()
    {
        using VectorStore store = new InMemoryHybridVectorStore();
        var first = store.GetCollection<int, Point>("points");
        var second = store.GetCollection<int, Point>("points");
        await first.EnsureCollectionExistsAsync();
        await first.UpsertAsync(InMemoryHybridCollectionTests.PointAt(5));
        await store.GetCollection<string, Doc>("docs").EnsureCollectionExistsAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((await second.GetAsync(5))?.Color, Is.EqualTo("blue"));
            Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "docs", "points" }));
            Assert.That(await store.CollectionExistsAsync("points"), Is.True);
        });

        await store.EnsureCollectionDeletedAsync("points");

        Assert.Multiple(async () =>
        {
            Assert.That(await store.CollectionExistsAsync("points"), Is.False);
            Assert.That(await second.CollectionExistsAsync(), Is.False);
            Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "docs" }));
        });
    }

    [Test]
    public async Task ANameUsedWithAnotherRecordTypeOrLayout_IsASpecificError()
    {
        using VectorStore store = new InMemoryHybridVectorStore();
        await store.GetCollection<string, Doc>("shared").EnsureCollectionExistsAsync();
        var otherLayout = store.GetCollection<string, Doc>("shared", new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreVectorProperty("Vector", typeof(float[]), 4) { DistanceFunction = DistanceFunction.EuclideanDistance }],
        });

        Assert.Multiple(() =>
        {
            Assert.That(() => store.GetCollection<int, Point>("shared").GetAsync(1),
                Throws.InvalidOperationException.With.Message.Contains("'shared' already exists with another record or key type"));
            Assert.That(() => otherLayout.GetAsync("a"),
                Throws.InvalidOperationException.With.Message.Contains("another record layout").And.Message.Contains("EuclideanDistance"));
        });
    }

    [Test]
    public async Task TheStoresEmbeddingGenerator_EmbedsRecordsAndQueries()
    {
        using VectorStore store = new InMemoryHybridVectorStore(new InMemoryHybridVectorStoreOptions { EmbeddingGenerator = LocalModel.Generator });
        var collection = store.GetCollection<string, Paragraph>("manual");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Manual.Paragraphs());

        var found = await collection.SearchAsync("How do I change my Wi-Fi password?", 1).SingleAsync();

        Assert.That(found.Record.Id, Is.EqualTo("wifi-password"));
    }

    [Test]
    public async Task DynamicCollections_StoreSearchFilterAndHybridSearch_WithoutReflection()
    {
        using VectorStore store = new InMemoryHybridVectorStore();
        var collection = store.GetDynamicCollection("dynamic", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Text", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Lang", typeof(string)) { IsIndexed = true },
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 2),
            ],
        });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(
        [
            new Dictionary<string, object?> { ["Id"] = "a", ["Text"] = "router firmware", ["Lang"] = "en", ["Vector"] = new ReadOnlyMemory<float>([1, 0]) },
            new Dictionary<string, object?> { ["Id"] = "b", ["Text"] = "router passwort", ["Lang"] = "de", ["Vector"] = new ReadOnlyMemory<float>([0.9f, 0.1f]) },
            new Dictionary<string, object?> { ["Id"] = "c", ["Text"] = "camera battery", ["Lang"] = "en", ["Vector"] = new ReadOnlyMemory<float>([0, 1]) },
        ]);

        var nearest = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 0]), 3).ToListAsync();
        var english = await collection.SearchAsync(new ReadOnlyMemory<float>([1, 0]), 3, new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (string)r["Lang"]! == "en" }).ToListAsync();
        var hybrid = await ((IKeywordHybridSearchable<Dictionary<string, object?>>)collection).HybridSearchAsync(new ReadOnlyMemory<float>([0, 1]), ["passwort"], 2).ToListAsync();
        var got = await collection.GetAsync("b");

        Assert.Multiple(() =>
        {
            Assert.That(nearest.Select(r => r.Record["Id"]), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(english.Select(r => r.Record["Id"]), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(hybrid.Select(r => r.Record["Id"]), Is.EquivalentTo(new[] { "c", "b" }), "c by vector, b by keyword, each first in one list");
            Assert.That(got?["Text"], Is.EqualTo("router passwort"));
        });
    }

    [Test]
    public void TheStoreDescribesItself()
    {
        using VectorStore store = new InMemoryHybridVectorStore();

        Assert.That(((VectorStoreMetadata?)store.GetService(typeof(VectorStoreMetadata)))?.VectorStoreSystemName, Is.EqualTo("llmstrategies.inmemoryhybrid"));
    }
}
