using LlmStrategies.VectorData.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData.Tests.Retrieval;

/// <summary>
/// The retriever over the VectorData abstractions: against this package's own collection (typed as the abstract
/// <see cref="VectorStoreCollection{TKey, TRecord}"/>, as any connector would be) and against a hand-written fake.
/// </summary>
public class VectorStoreRetrieverTests
{
    private static readonly MetadataFilterTranslator<Paragraph> Translator = new MetadataFilterTranslator<Paragraph>()
        .Map("product", p => p.Product)
        .Map("year", p => p.Year, int.Parse);

    [Test]
    public async Task OverTheInMemoryCollection_RetrievesChunksWithSourcesOffsetsAndMetadata()
    {
        using var collection = await ManualAsync();
        var retriever = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { Name = "manual" });

        var found = await retriever.RetrieveAsync(new RetrievalRequest("What is the warranty on the router?", 3));
        var expected = Manual.Paragraphs().Single(p => p.Id == "warranty");

        Assert.Multiple(() =>
        {
            Assert.That(found, Has.Count.EqualTo(3));
            Assert.That(found[0].ChunkId, Is.EqualTo("warranty"));
            Assert.That((found[0].SourceId, found[0].StartOffset, found[0].Length), Is.EqualTo(("router-manual", expected.Start, expected.Text.Length)));
            Assert.That(found[0].Metadata["product"], Is.EqualTo("router"));
            Assert.That(found[0].RetrieverName, Is.EqualTo("manual"));
            Assert.That(found.Select(c => c.Score), Is.Ordered.Descending);
        });
    }

    [Test]
    public async Task WithItsOwnEmbeddingGenerator_SendsVectors_AndFindsWhatTheCollectionsGeneratorFinds()
    {
        using VectorStoreCollection<Guid, EmbeddedParagraph> vectors = new InMemoryHybridCollection<Guid, EmbeddedParagraph>("vectors");
        await vectors.EnsureCollectionExistsAsync();
        var paragraphs = Manual.Paragraphs();
        var embeddings = await LocalModel.Generator.GenerateAsync(paragraphs.Select(p => p.Text));
        await vectors.UpsertAsync(paragraphs.Select((p, i) => new EmbeddedParagraph { Text = p.Text, Vector = embeddings[i] }));
        using var text = await ManualAsync();
        var byVector = new VectorStoreRetriever<EmbeddedParagraph>(vectors, p => new TextChunk { Id = p.Text[..12], SourceId = "manual", Text = p.Text }, new() { EmbeddingGenerator = LocalModel.Generator, Dimensions = 512 });
        var byText = new VectorStoreRetriever<Paragraph>(text, p => p.ToChunk());

        var query = new RetrievalRequest("I forgot the wireless network key", 3);
        var fromVectors = await byVector.RetrieveAsync(query);
        var fromText = await byText.RetrieveAsync(query);

        Assert.Multiple(() =>
        {
            Assert.That(fromVectors.Select(c => c.Text), Is.EqualTo(fromText.Select(c => c.Text)));
            Assert.That(fromVectors.Select(c => c.Score), Is.EqualTo(fromText.Select(c => c.Score)).Within(1e-5));
            Assert.That(fromText[0].ChunkId, Is.EqualTo("wifi-password"));
        });
    }

    [Test]
    public async Task HybridSearch_OverTheInMemoryCollection_ReturnsFusedScores()
    {
        using var collection = await ManualAsync();
        var retriever = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { UseHybridSearch = true });

        var found = await retriever.RetrieveAsync(new RetrievalRequest("XR-500 router warranty", 3));

        Assert.Multiple(() =>
        {
            Assert.That(found[0].ChunkId, Is.EqualTo("warranty"), "first in both lists");
            Assert.That(found[0].Score, Is.EqualTo(2.0 / 61).Within(1e-12), "rank 1 in the vector and the keyword list, weights 1, k = 60");
            Assert.That(found.Select(c => c.Score), Is.Ordered.Descending);
        });
    }

    [Test]
    public async Task MetadataFilters_AreTranslatedAndRunInsideTheCollection()
    {
        using var collection = await ManualAsync();
        var retriever = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { FilterTranslator = Translator.Translate });
        var hybrid = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { FilterTranslator = Translator.Translate, UseHybridSearch = true });

        var cameras = await retriever.RetrieveAsync(new RetrievalRequest("warranty", 10, MetadataFilter.Where("product", "camera")));
        var older = await retriever.RetrieveAsync(new RetrievalRequest("warranty", 10, MetadataFilter.Where("product", "router", "camera").And("year", "2022", "2023")));
        var hybridOlder = await hybrid.RetrieveAsync(new RetrievalRequest("warranty", 10, MetadataFilter.Where("year", "2022")));

        Assert.Multiple(() =>
        {
            Assert.That(cameras.Select(c => c.ChunkId), Is.EquivalentTo(new[] { "camera-battery", "camera-night", "camera-warranty" }));
            Assert.That(cameras[0].ChunkId, Is.EqualTo("camera-warranty"));
            Assert.That(older.Select(c => c.ChunkId), Is.EquivalentTo(new[] { "firmware", "reset", "camera-night", "camera-warranty" }));
            Assert.That(hybridOlder.Select(c => c.ChunkId), Is.EquivalentTo(new[] { "camera-night", "camera-warranty" }));
        });
    }

    [Test]
    public async Task BadFilters_AreSpecificErrors()
    {
        using var collection = await ManualAsync();
        var withoutTranslator = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk());
        var withTranslator = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { FilterTranslator = Translator.Translate });

        Assert.Multiple(() =>
        {
            Assert.That(async () => await withoutTranslator.RetrieveAsync(new RetrievalRequest("warranty", 3, MetadataFilter.Where("product", "camera"))),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains("no FilterTranslator").And.Message.Contains("product IN (camera)"));
            Assert.That(async () => await withTranslator.RetrieveAsync(new RetrievalRequest("warranty", 3, MetadataFilter.Where("langauge", "en"))),
                Throws.ArgumentException.With.Message.Contains("'langauge'").And.Message.Contains("mapped fields: product, year"));
            Assert.That(async () => await withTranslator.RetrieveAsync(new RetrievalRequest("warranty", 3, MetadataFilter.Where("year", "last year"))),
                Throws.ArgumentException.With.Message.Contains("'last year'").And.Message.Contains("Int32"));
        });
    }

    [Test]
    public async Task AModelWithAnotherDimension_IsASpecificError_FromTheRetrieverOrTheCollection()
    {
        using var collection = await ManualAsync();
        var checkedHere = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { EmbeddingGenerator = new HashingEmbeddingGenerator(64), Dimensions = 512 });
        var checkedByCollection = new VectorStoreRetriever<Paragraph>(collection, p => p.ToChunk(), new() { EmbeddingGenerator = new HashingEmbeddingGenerator(64) });

        Assert.Multiple(() =>
        {
            Assert.That(async () => await checkedHere.RetrieveAsync(new RetrievalRequest("warranty", 3)),
                Throws.InvalidOperationException.With.Message.Contains("returns 64-dimensional vectors but the collection holds 512-dimensional ones"));
            Assert.That(async () => await checkedByCollection.RetrieveAsync(new RetrievalRequest("warranty", 3)),
                Throws.ArgumentException.With.Message.Contains("64 dimensions but vector property 'Embedding' has 512"));
        });
    }

    [Test]
    public void AnEmptyQuery_IsRejected()
    {
        var retriever = new VectorStoreRetriever<Paragraph>(new TestSearchableCollection<Paragraph>(), p => p.ToChunk());

        Assert.That(async () => await retriever.RetrieveAsync(new RetrievalRequest(" \t", 3)), Throws.ArgumentException.With.Message.Contains("empty"));
    }

    [Test]
    public async Task AgainstAFakeConnector_PassesTextTopAndOptions_AndNegatesDistances()
    {
        var fake = new TestSearchableCollection<Paragraph> { Results = () => [new(Para("a"), 0.1), new(Para("b"), 0.4), new(Para("c"), 0.9)] };
        var retriever = new VectorStoreRetriever<Paragraph>(fake, p => p.ToChunk(), new()
        {
            ScoreOrder = VectorStoreScoreOrder.LowerIsBetter,
            ScoreThreshold = 1.5,
            VectorProperty = p => p.Embedding,
            FilterTranslator = Translator.Translate,
        });

        var found = await retriever.RetrieveAsync(new RetrievalRequest("router", 2, MetadataFilter.Where("product", "router")));

        var (input, top, options) = fake.Searches.Single();
        Assert.Multiple(() =>
        {
            Assert.That(input, Is.EqualTo("router"), "without a generator the text goes to the collection's generator");
            Assert.That(top, Is.EqualTo(2));
            Assert.That(options!.ScoreThreshold, Is.EqualTo(1.5));
            Assert.That(options.VectorProperty!.ToString(), Does.Contain("Embedding"));
            Assert.That(options.Filter!.Compile()(Para("x")), Is.True);
            Assert.That(options.Filter!.Compile()(new Paragraph { Product = "camera" }), Is.False);
            Assert.That(found.Select(c => c.ChunkId), Is.EqualTo(new[] { "a", "b" }), "at most Top, even when the connector returns more");
            Assert.That(found.Select(c => c.Score), Is.EqualTo(new[] { -0.1, -0.4 }), "distances negated so higher is better");
        });
    }

    [Test]
    public async Task AgainstAFakeConnector_WithAGenerator_SendsTheVector_AndRanksScorelessResults()
    {
        var fake = new TestSearchableCollection<Paragraph> { Results = () => [new(Para("a"), null), new(Para("b"), null)] };
        var generator = new HashingEmbeddingGenerator(8);
        var retriever = new VectorStoreRetriever<Paragraph>(fake, p => p.ToChunk(), new() { EmbeddingGenerator = generator });

        var found = await retriever.RetrieveAsync(new RetrievalRequest("router", 5));

        Assert.Multiple(() =>
        {
            Assert.That(fake.Searches.Single().Input, Is.TypeOf<ReadOnlyMemory<float>>().And.Property("Length").EqualTo(8));
            Assert.That(found.Select(c => c.Score), Is.EqualTo(new[] { 1.0, 0.5 }), "a connector without scores keeps its order through rank scores");
        });
    }

    [Test]
    public async Task HybridAgainstAFakeConnector_ExtractsKeywords_OrUsesTheGivenExtractor()
    {
        var fake = new TestSearchableCollection<Paragraph> { Results = () => [new(Para("a"), 0.03)] };
        var defaults = new VectorStoreRetriever<Paragraph>(fake, p => p.ToChunk(), new() { UseHybridSearch = true, FullTextProperty = p => p.Text });
        var custom = new VectorStoreRetriever<Paragraph>(fake, p => p.ToChunk(), new() { UseHybridSearch = true, KeywordExtractor = q => [q.ToUpperInvariant()] });

        await defaults.RetrieveAsync(new RetrievalRequest("XR-500 warranty? Warranty!", 4));
        await custom.RetrieveAsync(new RetrievalRequest("xr", 4));

        Assert.Multiple(() =>
        {
            Assert.That(fake.HybridSearches[0].Keywords, Is.EqualTo(new[] { "XR", "500", "warranty" }));
            Assert.That(fake.HybridSearches[0].Options!.AdditionalProperty!.ToString(), Does.Contain("Text"));
            Assert.That(fake.HybridSearches[1].Keywords, Is.EqualTo(new[] { "XR" }));
            Assert.That(fake.Searches, Is.Empty);
        });
    }

    [Test]
    public void HybridSearch_OnACollectionWithoutIt_FailsAtConstruction()
    {
        Assert.That(() => new VectorStoreRetriever<Paragraph>(new VectorOnlyCollection<Paragraph>(), p => p.ToChunk(), new() { UseHybridSearch = true }),
            Throws.ArgumentException.With.Message.Contains("does not implement IKeywordHybridSearchable<Paragraph>"));
    }

    [Test]
    public void AMappingThatReturnsNull_IsASpecificError()
    {
        var fake = new TestSearchableCollection<Paragraph> { Results = () => [new(Para("a"), 0.5)] };
        var retriever = new VectorStoreRetriever<Paragraph>(fake, _ => null!);

        Assert.That(async () => await retriever.RetrieveAsync(new RetrievalRequest("router", 3)), Throws.InvalidOperationException.With.Message.Contains("returned null"));
    }

    [Test]
    public void TheFingerprint_CoversTheStoreTheModeAndTheModel()
    {
        var fake = new TestSearchableCollection<Paragraph>();
        string Fingerprint(VectorStoreRetrieverOptions<Paragraph> options)
        {
            var builder = new FingerprintBuilder();
            new VectorStoreRetriever<Paragraph>(fake, p => p.ToChunk(), options).AddToFingerprint(builder);
            return builder.CanonicalText;
        }

        var plain = Fingerprint(new());
        Assert.Multiple(() =>
        {
            Assert.That(plain, Does.Contain("store=test").And.Contain("collection=fake").And.Contain("embedding-model=collection"));
            Assert.That(Fingerprint(new() { UseHybridSearch = true }), Is.Not.EqualTo(plain));
            Assert.That(Fingerprint(new() { EmbeddingGenerator = new HashingEmbeddingGenerator(8) }), Does.Contain("embedding-model=hashing-8"));
            Assert.That(Fingerprint(new() { ScoreThreshold = 0.5 }), Is.Not.EqualTo(plain));
        });
    }

    private static Paragraph Para(string id) => new() { Id = id, SourceId = "doc", Text = "text " + id, Product = "router", Year = 2024 };

    private static async Task<VectorStoreCollection<string, Paragraph>> ManualAsync()
    {
        VectorStoreCollection<string, Paragraph> collection = new InMemoryHybridCollection<string, Paragraph>(
            "manual", new InMemoryHybridCollectionOptions { EmbeddingGenerator = LocalModel.Generator });
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Manual.Paragraphs());
        return collection;
    }
}
