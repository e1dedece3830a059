using LlmStrategies.Postgres.Retrieval;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Retrieval.Vector;
using LlmStrategies.VectorSearch;
using Npgsql;

namespace LlmStrategies.Postgres.Tests.Retrieval;

public class PostgresRetrieverTests
{
    private static readonly HashingEmbeddingGenerator Embeddings = new(16);
    private PostgresDatabase _database = null!;
    private PostgresChunkStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateCorpusAsync()
    {
        _database = await PostgresServer.MigratedAsync();
        _store = await PostgresChunkStore.CreateOrOpenAsync(_database, "docs", 16);
        await _store.UpsertAsync(Corpus.Chunks, Embeddings);
    }

    [OneTimeTearDown]
    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Test]
    public async Task ExactVectorSearch_RanksAndScoresAsTheInProcessIndex()
    {
        using var inProcess = new VectorRetriever(Embeddings);
        await inProcess.AddAsync(Corpus.Chunks);
        var postgres = new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });

        foreach (var query in Corpus.Queries)
        {
            var expected = await inProcess.RetrieveAsync(new RetrievalRequest(query, 10));
            var actual = await postgres.RetrieveAsync(new RetrievalRequest(query, 10));

            Assert.That(actual.Select(c => c.ChunkId), Is.EqualTo(expected.Select(c => c.ChunkId)), query);
            Assert.That(actual.Select(c => c.Score), Is.EqualTo(expected.Select(c => c.Score)).Within(1e-5), query);
        }
    }

    [Test]
    public async Task ExactVectorSearch_WithAFilter_MatchesTheInProcessFilter()
    {
        using var inProcess = new VectorRetriever(Embeddings);
        await inProcess.AddAsync(Corpus.Chunks);
        var postgres = new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });
        var filter = MetadataFilter.Where("topic", "hardware", "network").And("language", "en");

        foreach (var query in Corpus.Queries)
        {
            var expected = await inProcess.RetrieveAsync(new RetrievalRequest(query, 5, filter));
            var actual = await postgres.RetrieveAsync(new RetrievalRequest(query, 5, filter));

            Assert.That(actual.Select(c => c.ChunkId), Is.EqualTo(expected.Select(c => c.ChunkId)), query);
            Assert.That(actual.All(c => filter.Matches(c.Metadata)), Is.True);
        }
    }

    [Test]
    public async Task Results_CarryEveryFieldOfTheChunk()
    {
        var postgres = new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector, Name = "pg" });

        var top = (await postgres.RetrieveAsync(new RetrievalRequest(Corpus.Chunks[7].Text, 1))).Single();

        var source = Corpus.Chunks[7];
        Assert.Multiple(() =>
        {
            Assert.That((top.ChunkId, top.SourceId, top.Text, top.StartOffset, top.Length, top.RetrieverName), Is.EqualTo((source.Id, source.SourceId, source.Text, source.StartOffset, source.Length, "pg")));
            Assert.That(top.Metadata, Is.EquivalentTo(source.Metadata));
            Assert.That(top.Score, Is.EqualTo(1).Within(1e-6), "the chunk's own text has cosine similarity 1");
        });
    }

    [Test]
    public async Task KeywordSearch_MatchesAnyStemmedQueryWord_AndRanksByCoverDensity()
    {
        var postgres = new PostgresRetriever(_store, null, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Keyword });

        var hits = await postgres.RetrieveAsync(new RetrievalRequest("updating the firmware of routers", 20));
        var none = await postgres.RetrieveAsync(new RetrievalRequest("the of and", 20));

        Assert.Multiple(() =>
        {
            // "updating" and "routers" are stemmed to "updat"/"router"; the words are ORed, so one matching word is enough.
            Assert.That(hits.Select(c => c.ChunkId), Is.SupersetOf(new[] { "00", "04", "19", "17", "05", "14" }));
            Assert.That(hits.All(c => c.Text.Contains("firmware", StringComparison.OrdinalIgnoreCase) || c.Text.Contains("router", StringComparison.OrdinalIgnoreCase) || c.Text.Contains("updat", StringComparison.OrdinalIgnoreCase)), Is.True);
            Assert.That(hits[0].ChunkId, Is.AnyOf("00", "04"), "the chunks with all three words rank first");
            Assert.That(hits.Select(c => c.Score), Is.Ordered.Descending);
            Assert.That(none, Is.Empty, "stop words alone match nothing");
        });
    }

    [TestCase(FusionMethod.ZScore, 1.0, 1.0)]
    [TestCase(FusionMethod.ZScore, 0.3, 1.0)]
    [TestCase(FusionMethod.MinMax, 1.0, 2.0)]
    [TestCase(FusionMethod.ReciprocalRank, 1.0, 1.0)]
    public async Task HybridSearch_InOneRoundTrip_EqualsTheCoreHybridRetriever_OverTheSameLists(FusionMethod method, double vectorWeight, double keywordWeight)
    {
        var fusion = new HybridRetrieverOptions { Method = method, CandidatesPerRetriever = 8 };
        var oneRoundTrip = new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Fusion = fusion, VectorWeight = vectorWeight, KeywordWeight = keywordWeight });
        var core = new HybridRetriever(
            [
                new(new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector }), vectorWeight),
                new(new PostgresRetriever(_store, null, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Keyword }), keywordWeight),
            ],
            fusion);

        foreach (var query in Corpus.Queries)
        {
            var expected = await core.RetrieveAsync(new RetrievalRequest(query, 6));
            var actual = await oneRoundTrip.RetrieveAsync(new RetrievalRequest(query, 6));

            Assert.That(actual.Select(c => c.ChunkId), Is.EqualTo(expected.Select(c => c.ChunkId)), query);
            Assert.That(actual.Select(c => c.Score), Is.EqualTo(expected.Select(c => c.Score)).Within(1e-12), query);
        }
    }

    [Test]
    public async Task EqualScores_AreOrderedByChunkIdDescending_AsTheCoreFusionOrdersThem()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "ties", 2);
        var ids = new[] { "b", "a", "d", "c" };
        await store.UpsertAsync(ids.Select(id => new EmbeddedChunk(new TextChunk { Id = id, SourceId = "s", Text = "same router text" }, new[] { 1f, 1f })));
        var vector = new PostgresRetriever(store, new FixedEmbedding([1f, 0f]), new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });
        var keyword = new PostgresRetriever(store, null, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Keyword });
        var hybrid = new PostgresRetriever(store, new FixedEmbedding([1f, 0f]));

        Assert.Multiple(async () =>
        {
            Assert.That((await vector.RetrieveAsync(new RetrievalRequest("router", 3))).Select(c => c.ChunkId), Is.EqualTo(new[] { "d", "c", "b" }));
            Assert.That((await keyword.RetrieveAsync(new RetrievalRequest("router", 3))).Select(c => c.ChunkId), Is.EqualTo(new[] { "d", "c", "b" }));
            Assert.That((await hybrid.RetrieveAsync(new RetrievalRequest("router", 4))).Select(c => c.ChunkId), Is.EqualTo(new[] { "d", "c", "b", "a" }));
        });
    }

    [Test]
    public async Task InnerProduct_ScoresAreTheInnerProducts()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "ip", 2, PostgresVectorDistance.InnerProduct);
        await store.UpsertAsync(
        [
            new EmbeddedChunk(new TextChunk { Id = "small", SourceId = "s", Text = "x" }, new[] { 1f, 0f }),
            new EmbeddedChunk(new TextChunk { Id = "large", SourceId = "s", Text = "y" }, new[] { 3f, 1f }),
        ]);
        var retriever = new PostgresRetriever(store, new FixedEmbedding([2f, 1f]), new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });

        var hits = await retriever.RetrieveAsync(new RetrievalRequest("q", 2));

        Assert.That(hits.Select(c => (c.ChunkId, c.Score)), Is.EqualTo(new[] { ("large", 7.0), ("small", 2.0) }));
    }

    [Test]
    public async Task ApproximateSearch_NeedsTheHnswIndex_AndThenFindsTheExactNeighbours()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "hnsw", 16);
        await store.UpsertAsync(Corpus.Chunks, Embeddings);
        var approximate = new PostgresRetriever(store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector, Approximate = true });
        var exact = new PostgresRetriever(store, Embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });
        var exactBefore = await exact.RetrieveAsync(new RetrievalRequest(Corpus.Queries[0], 10));

        var missing = Assert.ThrowsAsync<PostgresStoreException>(async () => await approximate.RetrieveAsync(new RetrievalRequest("router", 3)));
        await store.CreateHnswIndexAsync();
        var approximateHits = await approximate.RetrieveAsync(new RetrievalRequest(Corpus.Queries[0], 10));
        var exactAfter = await exact.RetrieveAsync(new RetrievalRequest(Corpus.Queries[0], 10));
        var filtered = await approximate.RetrieveAsync(new RetrievalRequest(Corpus.Queries[0], 3, MetadataFilter.Where("language", "de")));

        Assert.Multiple(async () =>
        {
            Assert.That(missing!.Kind, Is.EqualTo(PostgresErrorKind.IndexMissing));
            Assert.That(missing.Message, Does.Contain("CreateHnswIndexAsync"));
            Assert.That(await store.HasHnswIndexAsync(), Is.True);
            Assert.That(exactAfter.Select(c => c.ChunkId), Is.EqualTo(exactBefore.Select(c => c.ChunkId)), "exact search ignores the index");
            // 20 vectors, ef_search 100: the graph search visits every node, so it returns the exact neighbours.
            Assert.That(approximateHits.Select(c => c.ChunkId), Is.EqualTo(exactBefore.Select(c => c.ChunkId)));
            Assert.That(filtered, Has.Count.EqualTo(3), "the iterative scan fills a filtered request");
            Assert.That(filtered.All(c => c.Metadata["language"] == "de"), Is.True);
        });
    }

    [Test]
    public async Task ExactSearch_DoesNotUseTheHnswIndex()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "plan", 16);
        await store.UpsertAsync(Corpus.Chunks, Embeddings);
        await store.CreateHnswIndexAsync();
        var queryVector = (await Embeddings.GenerateAsync(["router"]))[0].Vector.ToArray();

        // The plans of the statements the retriever sends, after its SET LOCAL, in one batch as it does.
        async Task<string> PlanAsync(string setting)
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
            var explain = new NpgsqlBatchCommand($"EXPLAIN SELECT id FROM {database.Schema}.chunks_plan ORDER BY embedding <=> @v LIMIT 5");
            explain.Parameters.AddWithValue("v", new Pgvector.Vector(queryVector));
            batch.BatchCommands.Add(explain);
            await using var reader = await batch.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }

            return string.Join('\n', lines);
        }

        await PostgresServer.ExecuteAsync(PostgresServer.ConnectionString, $"SET enable_seqscan = on; ANALYZE {database.Schema}.chunks_plan");
        var exactPlan = await PlanAsync("SET LOCAL enable_indexscan = off");
        var approximatePlan = await PlanAsync("SET LOCAL enable_seqscan = off");

        Assert.That(exactPlan, Does.Not.Contain("chunks_plan_hnsw"));
        Assert.That(approximatePlan, Does.Contain("chunks_plan_hnsw"), "the comparison is meaningful: the index is usable");
    }

    [Test]
    public async Task AQueryEmbeddingOfAnotherDimension_FailsNamingTheFix()
    {
        var retriever = new PostgresRetriever(_store, new HashingEmbeddingGenerator(8), new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });

        var error = Assert.ThrowsAsync<PostgresStoreException>(async () => await retriever.RetrieveAsync(new RetrievalRequest("router", 3)));

        Assert.That(error!.Kind, Is.EqualTo(PostgresErrorKind.DimensionMismatch));
        Assert.That(error.Message, Does.Contain("8-dimensional").And.Contain("16-dimensional").And.Contain("re-embed"));
    }

    [Test]
    public async Task Cancellation_StopsASearchThatIsWaitingForTheDatabase()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "locked", 16);
        await store.UpsertAsync(Corpus.Chunks, Embeddings);
        var retriever = new PostgresRetriever(store, Embeddings);
        await retriever.RetrieveAsync(new RetrievalRequest("warm up", 1));

        // Another session holds an exclusive lock on the table, so the search blocks inside the server.
        await using var blocker = new NpgsqlConnection(PostgresServer.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE {database.Schema}.chunks_locked IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var search = retriever.RetrieveAsync(new RetrievalRequest("router", 3), cancellation.Token).AsTask();
        var finished = await Task.WhenAny(search, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.That(finished, Is.SameAs(search), "the search returned after cancellation instead of waiting for the lock");
        Assert.That(async () => await search, Throws.InstanceOf<OperationCanceledException>());
        await transaction.RollbackAsync();
    }

    [Test]
    public async Task Fingerprint_CoversContentAndSettings()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "fp", 16);
        await store.UpsertAsync(Corpus.Chunks.Take(10), Embeddings);
        string Fingerprint(PostgresRetrieverOptions? options = null) => new FingerprintBuilder().AddComponent("retriever", new PostgresRetriever(store, Embeddings, options)).Build().ToString();

        var before = Fingerprint();
        var same = Fingerprint();
        var weighted = Fingerprint(new PostgresRetrieverOptions { VectorWeight = 0.5 });
        var method = Fingerprint(new PostgresRetrieverOptions { Fusion = new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank } });
        var approximate = Fingerprint(new PostgresRetrieverOptions { Approximate = true });
        await store.UpsertAsync(Corpus.Chunks.Skip(10), Embeddings);
        var grown = Fingerprint();
        await store.RemoveAsync(Corpus.Chunks.Skip(10).Select(c => c.Id));

        Assert.Multiple(() =>
        {
            Assert.That(same, Is.EqualTo(before));
            Assert.That(new[] { weighted, method, approximate, grown }, Has.None.EqualTo(before));
            Assert.That(Fingerprint(), Is.EqualTo(before), "the same content gives the same fingerprint again");
        });
    }

    [Test]
    public void Constructor_RejectsInvalidSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new PostgresRetriever(_store, null), Throws.ArgumentNullException.With.Message.Contains("Mode = Keyword"));
            Assert.That(() => new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { VectorWeight = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { KeywordWeight = double.NaN }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { EfSearch = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new PostgresRetriever(_store, Embeddings, new PostgresRetrieverOptions { Fusion = new HybridRetrieverOptions { RrfK = 0 } }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(async () => await new PostgresRetriever(_store, Embeddings).RetrieveAsync(new RetrievalRequest(" ", 3)), Throws.ArgumentException);
        });
    }

    /// <summary>Embeds every text as the same vector.</summary>
    private sealed class FixedEmbedding(float[] vector) : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(values.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(vector))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
