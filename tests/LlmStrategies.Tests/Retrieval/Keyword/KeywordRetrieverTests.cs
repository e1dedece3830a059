using LlmStrategies.Retrieval.Chunking;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Retrieval.Keyword;

public class KeywordRetrieverTests
{
    [Test]
    public async Task ReturnsChunksWithSourcesOffsetsAndScores()
    {
        var document = new SourceDocument { Id = "manual", Text = "The warranty lasts three years.\n\nFirmware updates are monthly." };
        using var index = new Bm25Index();
        index.AddRange(new ParagraphChunker().Chunk(document));
        var retriever = new KeywordRetriever(index);

        var chunks = await retriever.RetrieveAsync(new RetrievalRequest("How long is the warranty?", 5));

        Assert.Multiple(() =>
        {
            Assert.That(chunks, Has.Count.EqualTo(1));
            Assert.That(chunks[0].SourceId, Is.EqualTo("manual"));
            Assert.That(chunks[0].ChunkId, Is.EqualTo("manual#0"));
            Assert.That(chunks[0].StartOffset, Is.Zero);
            Assert.That(chunks[0].Length, Is.EqualTo("The warranty lasts three years.".Length));
            Assert.That(chunks[0].Score, Is.GreaterThan(0));
            Assert.That(chunks[0].RetrieverName, Is.EqualTo("bm25"));
        });
    }

    [Test]
    public void Fingerprint_CoversTheScoringSettings()
    {
        using var a = new Bm25Index(new Bm25Options { K1 = 0.9 });
        using var b = new Bm25Index(new Bm25Options { K1 = 1.2 });

        Assert.That(new FingerprintBuilder().AddComponent("r", new KeywordRetriever(a)).Build(), Is.Not.EqualTo(new FingerprintBuilder().AddComponent("r", new KeywordRetriever(b)).Build()));
    }

    [Test]
    public async Task OnSquad_RetrievesTheQuestionsOwnParagraphMostOfTheTime()
    {
        using var index = new Bm25Index();
        index.AddRange(Squad.Paragraphs.Select((text, i) => new TextChunk { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceId = "squad", Text = text }));
        var retriever = new KeywordRetriever(index);
        var questions = Squad.Questions.Where((_, i) => i % 10 == 0).ToList();

        var atOne = 0;
        var atTen = 0;
        foreach (var (question, paragraph) in questions)
        {
            var found = await retriever.RetrieveAsync(new RetrievalRequest(question, 10));
            var rank = found.Select(c => int.Parse(c.ChunkId, System.Globalization.CultureInfo.InvariantCulture)).ToList().IndexOf(paragraph);
            atOne += rank == 0 ? 1 : 0;
            atTen += rank >= 0 ? 1 : 0;
        }

        TestContext.Out.WriteLine($"recall@1 {(double)atOne / questions.Count:F3}, recall@10 {(double)atTen / questions.Count:F3} over {questions.Count} questions");
        Assert.Multiple(() =>
        {
            // BM25 on SQuAD paragraphs (published figures are in this range): a sanity floor, not a benchmark.
            Assert.That((double)atOne / questions.Count, Is.GreaterThan(0.6));
            Assert.That((double)atTen / questions.Count, Is.GreaterThan(0.85));
        });
    }

    [Test]
    public void APipelinesFingerprint_FollowsTheIndex_WhenChunksAreAddedAfterItWasBuilt()
    {
        using var index = new Bm25Index();
        index.Add(new TextChunk { Id = "a", SourceId = "a", Text = "The warranty lasts one year." });
        var pipeline = new LlmStrategies.Pipeline.StrategyPipelineBuilder("rag", new LlmStrategies.Baseline.ExtractiveBaselineChatClient())
            .UseRetrievalAugmentation(new KeywordRetriever(index), 1)
            .Build();
        var before = pipeline.Fingerprint;
        var unchanged = pipeline.Fingerprint;

        index.Add(new TextChunk { Id = "b", SourceId = "b", Text = "Since 2024 the warranty lasts two years." });

        Assert.Multiple(() =>
        {
            Assert.That(unchanged, Is.EqualTo(before), "no change, no new fingerprint");
            Assert.That(pipeline.Fingerprint, Is.Not.EqualTo(before));
            Assert.That(pipeline.FingerprintText, Does.Contain("retriever.content=2:"));
        });
    }
}
