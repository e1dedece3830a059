using LlmStrategies.Text;

namespace LlmStrategies.Retrieval.Chunking;

/// <summary>Cuts documents into windows of whole sentences, consecutive windows sharing <see cref="OverlapSentences"/> sentences.</summary>
public sealed class SentenceChunker : ITextChunker, IFingerprintable
{
    /// <summary>Creates the chunker.</summary>
    /// <param name="sentencesPerChunk">Sentences per chunk. Default 3.</param>
    /// <param name="overlapSentences">Sentences shared by consecutive chunks; less than <paramref name="sentencesPerChunk"/>. Default 1.</param>
    public SentenceChunker(int sentencesPerChunk = 3, int overlapSentences = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sentencesPerChunk);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapSentences);
        if (overlapSentences >= sentencesPerChunk)
        {
            throw new ArgumentOutOfRangeException(nameof(overlapSentences), overlapSentences, $"The overlap ({overlapSentences}) must be smaller than the sentences per chunk ({sentencesPerChunk}), or chunking would never advance.");
        }

        SentencesPerChunk = sentencesPerChunk;
        OverlapSentences = overlapSentences;
    }

    /// <summary>Gets the sentences per chunk.</summary>
    public int SentencesPerChunk { get; }

    /// <summary>Gets the sentences shared by consecutive chunks.</summary>
    public int OverlapSentences { get; }

    /// <inheritdoc/>
    public IEnumerable<TextChunk> Chunk(SourceDocument document)
    {
        ChunkFactory.Validate(document);
        var sentences = SentenceSplitter.Split(document.Text);
        var chunks = new List<TextChunk>();
        var step = SentencesPerChunk - OverlapSentences;
        for (var first = 0; first < sentences.Count; first += step)
        {
            var last = Math.Min(first + SentencesPerChunk, sentences.Count) - 1;
            chunks.Add(ChunkFactory.Create(document, chunks.Count, sentences[first].Start.Value, sentences[last].End.Value));
            if (last == sentences.Count - 1)
            {
                break;
            }
        }

        return chunks;
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("sentences", SentencesPerChunk).Add("overlap", OverlapSentences);
    }
}
