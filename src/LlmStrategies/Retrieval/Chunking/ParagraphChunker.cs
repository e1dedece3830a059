using System.Text.RegularExpressions;
using LlmStrategies.Text;

namespace LlmStrategies.Retrieval.Chunking;

/// <summary>
/// Cuts documents at blank lines (paragraphs). A paragraph longer than <see cref="MaxCharacters"/> is cut further at
/// sentence boundaries, packing whole sentences greedily; a single sentence longer than the limit stays whole.
/// </summary>
public sealed partial class ParagraphChunker : ITextChunker, IFingerprintable
{
    /// <summary>Creates the chunker.</summary>
    /// <param name="maxCharacters">The longest chunk, in characters, before a paragraph is cut at sentences. Default 2,000.</param>
    public ParagraphChunker(int maxCharacters = 2_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters);
        MaxCharacters = maxCharacters;
    }

    /// <summary>Gets the longest chunk before a paragraph is cut at sentences.</summary>
    public int MaxCharacters { get; }

    /// <inheritdoc/>
    public IEnumerable<TextChunk> Chunk(SourceDocument document)
    {
        ChunkFactory.Validate(document);
        var text = document.Text;
        var pieces = new List<(int Start, int End)>();
        var from = 0;
        foreach (var separator in BlankLine().EnumerateMatches(text))
        {
            pieces.AddRange(Paragraph(text, from, separator.Index));
            from = separator.Index + separator.Length;
        }

        pieces.AddRange(Paragraph(text, from, text.Length));
        return pieces.Select((piece, index) => ChunkFactory.Create(document, index, piece.Start, piece.End)).ToList();
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("max-characters", MaxCharacters);
    }

    private List<(int Start, int End)> Paragraph(string text, int from, int to)
    {
        var pieces = new List<(int, int)>();
        var sentences = SentenceSplitter.Split(text, from, to - from);
        if (sentences.Count == 0)
        {
            return pieces;
        }

        var start = sentences[0].Start.Value;
        var end = sentences[0].End.Value;
        for (var i = 1; i < sentences.Count; i++)
        {
            if (sentences[i].End.Value - start > MaxCharacters)
            {
                pieces.Add((start, end));
                start = sentences[i].Start.Value;
            }

            end = sentences[i].End.Value;
        }

        pieces.Add((start, end));
        return pieces;
    }

    [GeneratedRegex(@"\n[ \t\r\f\v]*\n\s*", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLine();
}
