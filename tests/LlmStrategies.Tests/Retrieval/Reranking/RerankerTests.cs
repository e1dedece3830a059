using LlmStrategies.Baseline;
using LlmStrategies.Retrieval.Reranking;
using LlmStrategies.Tests.TestDoubles;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Retrieval.Reranking;

public class RerankerTests
{
    private static readonly RetrievedChunk[] Candidates =
    [
        Chunk("dup1", "warranty two years", 3),
        Chunk("dup2", "warranty two years!", 2.9),
        Chunk("other", "returns within 30 days", 2),
    ];

    [Test]
    public async Task Mmr_PrefersADiverseSecondResultOverANearDuplicate()
    {
        // dup1 and dup2 are near-identical and both relevant; "other" is less relevant but different.
        var embeddings = new TestEmbeddingGenerator(new()
        {
            ["warranty?"] = [1f, 0.2f, 0f],
            ["warranty two years"] = [1f, 0f, 0f],
            ["warranty two years!"] = [0.99f, -0.01f, 0f],
            ["returns within 30 days"] = [0.5f, 0.8f, 0f],
        });
        var retriever = TestRetriever.Returning(Candidates);

        var relevanceOnly = await new MmrReranker(retriever, embeddings, lambda: 1.0, relevance: MmrRelevance.Embedding).RetrieveAsync(new RetrievalRequest("warranty?", 2));
        var diverse = await new MmrReranker(retriever, embeddings, lambda: 0.5, relevance: MmrRelevance.Embedding).RetrieveAsync(new RetrievalRequest("warranty?", 2));
        var byInnerScore = await new MmrReranker(retriever, embeddings, lambda: 0.7).RetrieveAsync(new RetrievalRequest("warranty?", 2));
        var byInnerScoreDiverse = await new MmrReranker(retriever, embeddings, lambda: 0.3).RetrieveAsync(new RetrievalRequest("warranty?", 2));

        Assert.Multiple(() =>
        {
            Assert.That(relevanceOnly.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "dup2" }));
            Assert.That(diverse.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "other" }));
            Assert.That(diverse.All(c => c.RetrieverName == "mmr"), Is.True);

            // Inner scores 3, 2.9, 2 scale to 1, 0.9, 0: at λ 0.7 the near-duplicate keeps its place, at λ 0.3 it gives way.
            Assert.That(byInnerScore.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "dup2" }));
            Assert.That(byInnerScoreDiverse.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "other" }));
            Assert.That(embeddings.Calls, Is.EqualTo(4), "one batch call per retrieval");
        });
    }

    [Test]
    public void Mmr_RejectsLambdaOutsideZeroOne()
    {
        Assert.That(() => new MmrReranker(TestRetriever.Returning(), new TestEmbeddingGenerator([]), lambda: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task Listwise_UsesTheModelsOrder_AndKeepsUnrankedPassagesAfterIt()
    {
        var model = TestChatClient.Answering("3, 1");
        var reranker = new ListwiseLlmReranker(TestRetriever.Returning(Candidates), model);

        var chunks = await reranker.RetrieveAsync(new RetrievalRequest("warranty?", 3));

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.ChunkId), Is.EqualTo(new[] { "other", "dup1", "dup2" }));
            Assert.That(chunks.Select(c => c.Score), Is.Ordered.Descending);
            Assert.That(chunks[0].RetrieverName, Is.EqualTo("llm-rerank"));
            Assert.That(model.Calls.Single().Single().Text, Does.Contain("[1] warranty two years\n[2] warranty two years!\n[3] returns within 30 days"));
        });
    }

    [Test]
    public async Task Listwise_KeepsTheOriginalOrder_WhenTheAnswerHasNoValidNumbers()
    {
        var reranker = new ListwiseLlmReranker(TestRetriever.Returning(Candidates), TestChatClient.Answering("I think the second one, or passage 9."));

        var chunks = await reranker.RetrieveAsync(new RetrievalRequest("warranty?", 3));

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "dup2", "other" }));
            Assert.That(chunks[0].RetrieverName, Is.EqualTo("llm-rerank:unparsable-kept-order"));
        });
    }

    [Test]
    public async Task Listwise_WithTheOfflineBaseline_SkipsAndSaysSo()
    {
        var chunks = await new ListwiseLlmReranker(TestRetriever.Returning(Candidates), new ExtractiveBaselineChatClient()).RetrieveAsync(new RetrievalRequest("q", 2));

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.ChunkId), Is.EqualTo(new[] { "dup1", "dup2" }));
            Assert.That(chunks[0].RetrieverName, Is.EqualTo("llm-rerank:skipped-baseline"));
        });
    }
}
