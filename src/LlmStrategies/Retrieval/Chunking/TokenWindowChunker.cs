namespace LlmStrategies.Retrieval.Chunking;

/// <summary>
/// Cuts documents into windows of <see cref="WindowTokens"/> tokens, consecutive windows sharing
/// <see cref="OverlapTokens"/> tokens. Tokens are white-space separated words unless a tokenizer is supplied (for example
/// one that reports the character ranges of a model's tokens), so windows can match a model's token budget.
/// </summary>
public sealed class TokenWindowChunker : ITextChunker, IFingerprintable
{
    private readonly Func<string, IReadOnlyList<Range>> _tokenize;
    private readonly string _tokenizerName;

    /// <summary>Creates the chunker.</summary>
    /// <param name="windowTokens">Tokens per chunk.</param>
    /// <param name="overlapTokens">Tokens shared by consecutive chunks; less than <paramref name="windowTokens"/>.</param>
    /// <param name="tokenize">Returns the character ranges of the tokens of a text, in order; <see langword="null"/> for white-space words.</param>
    /// <param name="tokenizerName">Names the tokenizer in fingerprints (required with a custom tokenizer).</param>
    public TokenWindowChunker(int windowTokens, int overlapTokens, Func<string, IReadOnlyList<Range>>? tokenize = null, string? tokenizerName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapTokens);
        if (overlapTokens >= windowTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(overlapTokens), overlapTokens, $"The overlap ({overlapTokens}) must be smaller than the window ({windowTokens}), or chunking would never advance.");
        }

        if (tokenize is not null && string.IsNullOrWhiteSpace(tokenizerName))
        {
            throw new ArgumentException("Name a custom tokenizer (for example \"o200k_base\"), so that strategies using different tokenizers get different fingerprints.", nameof(tokenizerName));
        }

        WindowTokens = windowTokens;
        OverlapTokens = overlapTokens;
        _tokenize = tokenize ?? WhiteSpaceWords;
        _tokenizerName = tokenizerName ?? "whitespace";
    }

    /// <summary>Gets the tokens per chunk.</summary>
    public int WindowTokens { get; }

    /// <summary>Gets the tokens shared by consecutive chunks.</summary>
    public int OverlapTokens { get; }

    /// <inheritdoc/>
    public IEnumerable<TextChunk> Chunk(SourceDocument document)
    {
        ChunkFactory.Validate(document);
        var tokens = _tokenize(document.Text);
        var chunks = new List<TextChunk>();
        var step = WindowTokens - OverlapTokens;
        for (var first = 0; first < tokens.Count; first += step)
        {
            var last = Math.Min(first + WindowTokens, tokens.Count) - 1;
            var start = tokens[first].Start.GetOffset(document.Text.Length);
            var end = tokens[last].End.GetOffset(document.Text.Length);
            if (start < 0 || end > document.Text.Length || end < start)
            {
                throw new InvalidOperationException($"The tokenizer returned the range {tokens[first]}..{tokens[last]}, outside document '{document.Id}' of {document.Text.Length} characters.");
            }

            chunks.Add(ChunkFactory.Create(document, chunks.Count, start, end));
            if (last == tokens.Count - 1)
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
        builder.Add("window", WindowTokens).Add("overlap", OverlapTokens).Add("tokenizer", _tokenizerName);
    }

    private static List<Range> WhiteSpaceWords(string text)
    {
        var words = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                words.Add(start..i);
            }
        }

        return words;
    }
}
