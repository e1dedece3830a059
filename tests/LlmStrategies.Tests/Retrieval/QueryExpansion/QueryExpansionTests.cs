using LlmStrategies.Baseline;
using LlmStrategies.Retrieval.QueryExpansion;
using LlmStrategies.Tests.TestDoubles;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Retrieval.QueryExpansion;

public class QueryExpansionTests
{
    [Test]
    public async Task MultiQuery_SearchesTheOriginalAndTheParaphrases_WithOneModelCall_AndFusesThem()
    {
        var model = TestChatClient.Answering("1. router guarantee duration\n- how many years of cover\n\nrouter guarantee duration\nextra line beyond the limit");
        var retriever = new TestRetriever((r, _) => ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(
            r.Query.Contains("years", StringComparison.Ordinal) ? [Chunk("years", "t")] : [Chunk("warranty", "t")]));
        var multi = new MultiQueryRetriever(retriever, model, new MultiQueryOptions { Paraphrases = 2 });

        var chunks = await multi.RetrieveAsync(new RetrievalRequest("How long is the warranty?", 5));

        Assert.Multiple(() =>
        {
            Assert.That(model.Calls, Has.Count.EqualTo(1));
            Assert.That(model.Options.Single()!.MaxOutputTokens, Is.EqualTo(200));
            Assert.That(retriever.Requests.Select(r => r.Query), Is.EquivalentTo(new[] { "How long is the warranty?", "router guarantee duration", "how many years of cover" }));
            Assert.That(chunks.Select(c => c.ChunkId), Is.EqualTo(new[] { "warranty", "years" }));
            Assert.That(chunks[0].RetrieverName, Is.EqualTo("multi-query:llm-paraphrase"));
        });
    }

    [Test]
    public async Task MultiQuery_WithTheOfflineBaseline_FallsBackToKeywords_AndSaysSo()
    {
        var retriever = TestRetriever.Returning(Chunk("a", "t"));
        var multi = new MultiQueryRetriever(retriever, new ExtractiveBaselineChatClient());

        var chunks = await multi.RetrieveAsync(new RetrievalRequest("How long is the warranty?", 5));

        Assert.Multiple(() =>
        {
            Assert.That(retriever.Requests.Select(r => r.Query), Is.EquivalentTo(new[] { "How long is the warranty?", "long warranty" }));
            Assert.That(chunks.Single().RetrieverName, Is.EqualTo("multi-query:keyword-fallback"));
        });
    }

    [Test]
    public async Task Hyde_SearchesWithTheQueryPlusAHypotheticalPassage()
    {
        var model = TestChatClient.Answering("  The warranty lasts two years from purchase.  ");
        var retriever = TestRetriever.Returning(Chunk("a", "t"));
        var hyde = new HypotheticalDocumentRetriever(retriever, model, maxOutputTokens: 64);

        var chunks = await hyde.RetrieveAsync(new RetrievalRequest("How long is the warranty?", 3));

        Assert.Multiple(() =>
        {
            Assert.That(model.Options.Single()!.MaxOutputTokens, Is.EqualTo(64));
            Assert.That(retriever.Requests.Single().Query, Is.EqualTo("How long is the warranty?\nThe warranty lasts two years from purchase."));
            Assert.That(chunks.Single().RetrieverName, Is.EqualTo("hyde:hypothetical-document"));
        });
    }

    [Test]
    public async Task Hyde_WithTheOfflineBaseline_FallsBackToKeywords_AndSaysSo()
    {
        var retriever = TestRetriever.Returning(Chunk("a", "t"));

        var chunks = await new HypotheticalDocumentRetriever(retriever, new ExtractiveBaselineChatClient()).RetrieveAsync(new RetrievalRequest("How long is the warranty?", 3));

        Assert.Multiple(() =>
        {
            Assert.That(retriever.Requests.Single().Query, Is.EqualTo("long warranty"));
            Assert.That(chunks.Single().RetrieverName, Is.EqualTo("hyde:keyword-fallback"));
        });
    }
}
