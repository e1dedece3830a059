using LlmStrategies.Retrieval;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Retrieval;

public class FixedContextRetrieverTests
{
    [Test]
    public async Task ReturnsTheFirstTopChunksMatchingTheFilter()
    {
        var german = new RetrievedChunk { ChunkId = "de", SourceId = "s", Text = "t", Metadata = new Dictionary<string, string> { ["lang"] = "de" } };
        var retriever = new FixedContextRetriever([Chunk("1", "a"), german, Chunk("2", "b")]);

        Assert.Multiple(async () =>
        {
            Assert.That((await retriever.RetrieveAsync(new RetrievalRequest("q", 2))).Select(c => c.ChunkId), Is.EqualTo(new[] { "1", "de" }));
            Assert.That((await retriever.RetrieveAsync(new RetrievalRequest("q", 5, MetadataFilter.Where("lang", "de")))).Select(c => c.ChunkId), Is.EqualTo(new[] { "de" }));
        });
    }
}
