using LlmStrategies.Postgres.Retrieval;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;

namespace LlmStrategies.Postgres.Tests.Retrieval;

public class PostgresChunkStoreTests
{
    private static readonly HashingEmbeddingGenerator Embeddings = new(16);

    [Test]
    public async Task Upsert_IsIdempotent_AndItsDigestEqualsTheInProcessIndexes()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16);
        using var vector = new VectorRetriever(Embeddings);
        await vector.AddAsync(Corpus.Chunks);
        using var bm25 = new Bm25Index();
        bm25.AddRange(Corpus.Chunks);

        var written = await store.UpsertAsync(Corpus.Chunks, Embeddings);
        var digest = await store.GetContentDigestAsync();
        await store.UpsertAsync(Corpus.Chunks.Reverse(), Embeddings);

        Assert.Multiple(async () =>
        {
            Assert.That(written, Is.EqualTo(Corpus.Chunks.Length));
            Assert.That(await store.CountAsync(), Is.EqualTo(Corpus.Chunks.Length));
            Assert.That(digest, Is.EqualTo(vector.ContentFingerprint), "the same formula as the in-process vector index");
            Assert.That(digest, Is.EqualTo(bm25.ContentFingerprint), "and as BM25's");
            Assert.That(await store.GetContentDigestAsync(), Is.EqualTo(digest), "writing the same chunks again (in another order) changes nothing");
        });
    }

    [Test]
    public async Task Replace_AndRemove_KeepTheDigestEqualToTheContent()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16);
        await store.UpsertAsync(Corpus.Chunks, Embeddings);
        var changed = new TextChunk { Id = "03", SourceId = "doc0", Text = "A replaced text about mesh routers." };
        var expected = Corpus.Chunks.Where(c => c.Id is not ("03" or "07")).Append(changed).ToArray();
        using var reference = new Bm25Index();
        reference.AddRange(expected);

        await store.UpsertAsync([changed], Embeddings);
        var removed = await store.RemoveAsync(["07", "07", "no-such-id"]);

        Assert.Multiple(async () =>
        {
            Assert.That(removed, Is.EqualTo(1));
            Assert.That(await store.CountAsync(), Is.EqualTo(expected.Length));
            Assert.That(await store.GetContentDigestAsync(), Is.EqualTo(reference.ContentFingerprint));
        });
    }

    [Test]
    public async Task Upsert_KeepsTheLastOfDuplicateIds_InOneCall()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16);
        var first = new TextChunk { Id = "x", SourceId = "s", Text = "first router text" };
        var last = new TextChunk { Id = "x", SourceId = "s", Text = "second modem text" };

        await store.UpsertAsync([first, last], Embeddings);
        var found = await new PostgresRetriever(store, null, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Keyword }).RetrieveAsync(new RetrievalRequest("modem", 5));

        Assert.That(found.Select(c => c.Text), Is.EqualTo(new[] { "second modem text" }));
        Assert.That(await store.CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task ConcurrentWriters_FromSeparateConnectionPools_LeaveAnExactDigest()
    {
        var options = PostgresServer.FreshSchema();
        await using (var setup = new PostgresDatabase(options))
        {
            await setup.MigrateAsync();
            await PostgresChunkStore.CreateOrOpenAsync(setup, "docs", 16);
        }

        // Four writers (own pools, as separate processes would have), each writing overlapping halves of the corpus.
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(options)).ToArray();
        try
        {
            await Task.WhenAll(databases.Select(async (database, w) =>
            {
                var store = await PostgresChunkStore.OpenAsync(database, "docs");
                for (var round = 0; round < 5; round++)
                {
                    await store.UpsertAsync(Corpus.Chunks.Where((_, i) => (i + w + round) % 2 == 0), Embeddings);
                }
            }));
            using var reference = new Bm25Index();
            reference.AddRange(Corpus.Chunks);
            var reader = await PostgresChunkStore.OpenAsync(databases[0], "docs");

            Assert.That(await reader.CountAsync(), Is.EqualTo(Corpus.Chunks.Length));
            Assert.That(await reader.GetContentDigestAsync(), Is.EqualTo(reference.ContentFingerprint));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task BulkIngest_OverSeveralCopyBatches_WritesEveryChunk()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "bulk", 4);
        var count = PostgresChunkStore.IngestBatchSize + 1_234;
        var chunks = Enumerable.Range(0, count).Select(i => new EmbeddedChunk(
            new TextChunk { Id = "c" + i, SourceId = "s", Text = "chunk number " + i },
            new float[] { i, 1, -i, 0.5f }));

        var written = await store.UpsertAsync(chunks);

        Assert.That(written, Is.EqualTo(count));
        Assert.That(await store.CountAsync(), Is.EqualTo(count));
    }

    [Test]
    public async Task ADifferentDimension_ForAnExistingCollection_FailsNamingTheFix()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16);

        var reopen = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 512));
        var write = Assert.ThrowsAsync<PostgresStoreException>(() => store.UpsertAsync([new EmbeddedChunk(Corpus.Chunks[0], new float[8])]));
        var otherDistance = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16, PostgresVectorDistance.InnerProduct));

        Assert.Multiple(() =>
        {
            Assert.That(reopen!.Kind, Is.EqualTo(PostgresErrorKind.DimensionMismatch));
            Assert.That(reopen.Message, Does.Contain("16-dimensional").And.Contain("512").And.Contain("another collection name"));
            Assert.That(write!.Kind, Is.EqualTo(PostgresErrorKind.DimensionMismatch));
            Assert.That(write.Message, Does.Contain("Chunk '00'").And.Contain("8-dimensional"));
            Assert.That(otherDistance!.Kind, Is.EqualTo(PostgresErrorKind.CollectionMismatch));
        });
    }

    [Test]
    public async Task OpenAsync_ReadsTheSettings_AndFailsForAMissingCollection()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 16, PostgresVectorDistance.InnerProduct, "simple");

        var opened = await PostgresChunkStore.OpenAsync(database, "docs");
        var missing = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.OpenAsync(database, "nothing"));

        Assert.Multiple(() =>
        {
            Assert.That((opened.Dimension, opened.Distance, opened.TextSearchConfiguration), Is.EqualTo((16, PostgresVectorDistance.InnerProduct, "simple")));
            Assert.That(missing!.Kind, Is.EqualTo(PostgresErrorKind.CollectionMismatch));
            Assert.That(missing.Message, Does.Contain("CreateOrOpenAsync"));
        });
    }

    [Test]
    public async Task BadInput_IsRejectedBeforeAnythingIsWritten()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 2);

        Assert.Multiple(async () =>
        {
            Assert.That(() => store.UpsertAsync([new EmbeddedChunk(new TextChunk { Id = "a", SourceId = "s", Text = "t" }, new[] { 1f, float.NaN })]), Throws.ArgumentException.With.Message.Contains("non-finite"));
            Assert.That(() => store.UpsertAsync([new EmbeddedChunk(new TextChunk { Id = string.Empty, SourceId = "s", Text = "t" }, new[] { 1f, 2f })]), Throws.ArgumentException.With.Message.Contains("empty id"));
            Assert.That(() => PostgresChunkStore.CreateOrOpenAsync(database, "Bad Name; DROP", 2), Throws.ArgumentException.With.Message.Contains("not a valid name"));
            Assert.That(await store.CountAsync(), Is.Zero);
        });
    }
}
