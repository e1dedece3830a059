using LlmStrategies.Retrieval.Vector;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Tests.Retrieval.Vector;

public class VectorRetrieverTests
{
    private static TextChunk Chunk(string id, string text, params (string, string)[] metadata) =>
        new() { Id = id, SourceId = "doc-" + id, Text = text, StartOffset = 0, Length = text.Length, Metadata = metadata.ToDictionary(m => m.Item1, m => m.Item2) };

    [Test]
    public async Task FindsTheNearestChunks_WithScoresSourcesAndOffsets()
    {
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator());
        await retriever.AddAsync([Chunk("a", "router warranty years"), Chunk("b", "guest network password"), Chunk("c", "firmware update schedule")]);

        var found = await retriever.RetrieveAsync(new RetrievalRequest("warranty years router", 2));

        Assert.Multiple(() =>
        {
            Assert.That(found[0].ChunkId, Is.EqualTo("a"));
            Assert.That(found[0].Score, Is.EqualTo(1.0).Within(1e-5), "same words, same bag-of-words vector");
            Assert.That(found[0].SourceId, Is.EqualTo("doc-a"));
            Assert.That(found[0].RetrieverName, Is.EqualTo("vector"));
            Assert.That(found, Has.Count.EqualTo(2));
            Assert.That(retriever.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task MetadataFilters_WorkWithOneValueAndWithSeveral()
    {
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator());
        await retriever.AddAsync(Enumerable.Range(0, 30).Select(i => Chunk($"c{i}", $"router warranty note {i}", ("lang", i % 3 == 0 ? "de" : i % 3 == 1 ? "fr" : "en"))));

        var german = await retriever.RetrieveAsync(new RetrievalRequest("router warranty", 5, MetadataFilter.Where("lang", "de")));
        var germanOrFrench = await retriever.RetrieveAsync(new RetrievalRequest("router warranty", 25, MetadataFilter.Where("lang", "de", "fr")));

        Assert.Multiple(() =>
        {
            Assert.That(german, Has.Count.EqualTo(5));
            Assert.That(german.Select(c => c.Metadata["lang"]), Has.All.EqualTo("de"));
            Assert.That(germanOrFrench, Has.Count.EqualTo(20), "every de and fr chunk, found by over-fetching");
            Assert.That(germanOrFrench.Select(c => c.Metadata["lang"]), Has.None.EqualTo("en"));
            Assert.That(async () => await retriever.RetrieveAsync(new RetrievalRequest("router", 5, MetadataFilter.Where("langauge", "de"))), Throws.ArgumentException.With.Message.Contains("langauge"));
        });
    }

    [Test]
    public async Task RemovedChunks_AreNotReturned()
    {
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator());
        await retriever.AddAsync([Chunk("a", "router warranty"), Chunk("b", "router warranty claims")]);

        Assert.That(retriever.Remove(["a", "missing"]), Is.EqualTo(1));
        var found = await retriever.RetrieveAsync(new RetrievalRequest("router warranty", 5));

        Assert.That(found.Select(c => c.ChunkId), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task AModelWithAnotherDimension_IsASpecificError()
    {
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator(64), new FlatVectorIndex<string>(32));

        Assert.That(async () => await retriever.AddAsync([Chunk("a", "router")]),
            Throws.InvalidOperationException.With.Message.Contains("64-dimensional").And.Message.Contains("32-dimensional").And.Message.Contains("rebuild"));
        await Task.CompletedTask;
    }

    [Test]
    public async Task ContentFingerprint_FollowsTheIndexedChunks()
    {
        using var a = new VectorRetriever(new HashingEmbeddingGenerator());
        using var b = new VectorRetriever(new HashingEmbeddingGenerator());
        await a.AddAsync([Chunk("1", "router"), Chunk("2", "firmware")]);
        await b.AddAsync([Chunk("2", "firmware"), Chunk("1", "router")]);
        var same = a.ContentFingerprint == b.ContentFingerprint;

        await a.AddAsync([Chunk("2", "firmware updates")]);

        Assert.Multiple(() =>
        {
            Assert.That(same, Is.True);
            Assert.That(a.ContentFingerprint, Is.Not.EqualTo(b.ContentFingerprint));
            Assert.That(a.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public void AnEmptyQuery_IsRejected()
    {
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator());

        Assert.That(async () => await retriever.RetrieveAsync(new RetrievalRequest(" ", 5)), Throws.ArgumentException.With.Message.Contains("empty"));
    }

    [Test]
    public async Task WithTheLocalModel_FindsAParaphraseThatSharesNoWords()
    {
        using var retriever = new VectorRetriever(LocalModel.Generator);
        await retriever.AddAsync(
        [
            Chunk("guarantee", "Every device comes with a three-year guarantee against manufacturing defects."),
            Chunk("shipping", "Parcels are delivered by courier within five working days."),
            Chunk("password", "The admin password is printed on a sticker under the unit."),
        ]);

        var found = await retriever.RetrieveAsync(new RetrievalRequest("How long is the warranty?", 1));

        Assert.That(found.Single().ChunkId, Is.EqualTo("guarantee"));
    }
}
