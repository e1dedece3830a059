using LlmStrategies.Retrieval.Chunking;

namespace LlmStrategies.Tests.Retrieval.Chunking;

public class ChunkerTests
{
    private static readonly SourceDocument Document = new()
    {
        Id = "guide",
        Text = "Setup is easy. Plug in the router.\n\n  Wait for the light. It turns green! Then open the app?\n\nDone.",
        Metadata = new Dictionary<string, string> { ["product"] = "x1" },
    };

    private static void AssertOffsetsAreExact(IEnumerable<TextChunk> chunks)
    {
        foreach (var chunk in chunks)
        {
            Assert.That(Document.Text.Substring(chunk.StartOffset, chunk.Length), Is.EqualTo(chunk.Text), chunk.Id);
            Assert.That(chunk.SourceId, Is.EqualTo("guide"));
            Assert.That(chunk.Metadata["product"], Is.EqualTo("x1"));
        }
    }

    [Test]
    public void ParagraphChunker_CutsAtBlankLines_WithExactOffsets()
    {
        var chunks = new ParagraphChunker().Chunk(Document).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.Text), Is.EqualTo(new[]
            {
                "Setup is easy. Plug in the router.",
                "Wait for the light. It turns green! Then open the app?",
                "Done.",
            }));
            Assert.That(chunks.Select(c => c.Id), Is.EqualTo(new[] { "guide#0", "guide#1", "guide#2" }));
            AssertOffsetsAreExact(chunks);
        });
    }

    [Test]
    public void ParagraphChunker_SplitsLongParagraphsAtSentences()
    {
        var chunks = new ParagraphChunker(maxCharacters: 25).Chunk(Document).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.Text), Is.EqualTo(new[]
            {
                "Setup is easy.", "Plug in the router.", "Wait for the light.", "It turns green!", "Then open the app?", "Done.",
            }));
            AssertOffsetsAreExact(chunks);
        });
    }

    [Test]
    public void SentenceChunker_MakesOverlappingWindowsOfSentences()
    {
        var chunks = new SentenceChunker(sentencesPerChunk: 3, overlapSentences: 1).Chunk(Document).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.Text), Is.EqualTo(new[]
            {
                "Setup is easy. Plug in the router.\n\n  Wait for the light.",
                "Wait for the light. It turns green! Then open the app?",
                "Then open the app?\n\nDone.",
            }));
            AssertOffsetsAreExact(chunks);
        });
    }

    [Test]
    public void TokenWindowChunker_MakesOverlappingWindowsOfWords()
    {
        var chunks = new TokenWindowChunker(windowTokens: 6, overlapTokens: 2).Chunk(Document).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(c => c.Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length), Is.All.LessThanOrEqualTo(6));
            Assert.That(chunks[0].Text, Is.EqualTo("Setup is easy. Plug in the"));
            Assert.That(chunks[1].Text, Does.StartWith("in the router."));
            Assert.That(chunks[^1].Text, Does.EndWith("Done."));
            AssertOffsetsAreExact(chunks);
        });
    }

    [Test]
    public void TokenWindowChunker_UsesASuppliedTokenizer()
    {
        // One token per character: windows of 10 characters overlapping by 5.
        var chunker = new TokenWindowChunker(10, 5, text => Enumerable.Range(0, text.Length).Select(i => i..(i + 1)).ToList(), "chars");

        var chunks = chunker.Chunk(new SourceDocument { Id = "d", Text = "abcdefghijklmnopqrst" }).ToList();

        Assert.That(chunks.Select(c => c.Text), Is.EqualTo(new[] { "abcdefghij", "fghijklmno", "klmnopqrst" }));
    }

    [Test]
    public void InvalidSettingsAndDocuments_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SentenceChunker(2, 2), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("never advance"));
            Assert.That(() => new TokenWindowChunker(5, 5), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TokenWindowChunker(5, 1, _ => []), Throws.ArgumentException.With.Message.Contains("Name a custom tokenizer"));
            Assert.That(() => new ParagraphChunker().Chunk(new SourceDocument { Id = " ", Text = "x" }).ToList(), Throws.ArgumentException);
            Assert.That(new ParagraphChunker().Chunk(new SourceDocument { Id = "empty", Text = "  \n\n " }), Is.Empty);
        });
    }
}
