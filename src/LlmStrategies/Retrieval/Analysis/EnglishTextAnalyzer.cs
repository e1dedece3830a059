using LlmStrategies.Text.Unicode;
using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace LlmStrategies.Retrieval.Analysis;

/// <summary>
/// Turns text into index terms: Unicode NFKC normalisation, word segmentation in the spirit of UAX #29 (letters and
/// digits, with apostrophes and periods inside words and periods and commas inside numbers; CJK ideographs one per
/// token), lowercase (invariant case folding), removal of English possessives ("'s"), stop words and Porter stemming.
/// This mirrors Lucene's EnglishAnalyzer so that BM25 scores are comparable with it.
/// </summary>
/// <remarks>Thread-safe. Query analysis through the index allocates nothing for normalised input.</remarks>
public sealed class EnglishTextAnalyzer : IFingerprintable
{
    /// <summary>Lucene's English stop words (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), the default.</summary>
    public static readonly IReadOnlyList<string> DefaultStopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
        "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
    ];

    private readonly FrozenSet<string> _stopWords;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _stopLookup;

    /// <summary>Creates an analyzer.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public EnglishTextAnalyzer(TextAnalyzerOptions? options = null)
    {
        options = ValidatedOptions.ThrowIfInvalid(new TextAnalyzerOptionsValidator(), options ?? new TextAnalyzerOptions());
        StopWords = (options.StopWords ?? DefaultStopWords).Select(w => w.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        _stopWords = StopWords.ToFrozenSet(StringComparer.Ordinal);
        _stopLookup = _stopWords.GetAlternateLookup<ReadOnlySpan<char>>();
        Stems = options.Stem;
        MaxTokenLength = options.MaxTokenLength;
    }

    /// <summary>Gets the stop words, sorted.</summary>
    public IReadOnlyList<string> StopWords { get; }

    /// <summary>Gets a value indicating whether terms are stemmed.</summary>
    public bool Stems { get; }

    /// <summary>Gets the longest token kept.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Returns the terms of <paramref name="text"/>, in order, with repeats.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The terms.</returns>
    public IReadOnlyList<string> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var normalized = Normalize(text);
        var enumerator = new TermEnumerator(this, normalized, new char[MaxTokenLength + 1]);
        while (enumerator.MoveNext())
        {
            terms.Add(enumerator.Current.ToString());
        }

        return terms;
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("analyzer", 1).Add("stem", Stems).Add("max-token", MaxTokenLength).Add("stop", string.Join(",", StopWords))
            .Add("normalization", UnicodeNormalizer.NfkcIdentifier);
    }

    /// <summary>
    /// NFKC-normalises text with the library's own Unicode tables, so the tokens are the same with and without ICU
    /// (invariant globalization, Alpine images); returns the input itself when it is already normalised (no allocation).
    /// </summary>
    internal static string Normalize(string text) => UnicodeNormalizer.NormalizeNfkc(text);

    /// <summary>
    /// NFKC-normalises <paramref name="text"/> into <paramref name="buffer"/> when needed (growing it from the pool) and
    /// returns the normalised span.
    /// </summary>
    internal static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text, ref char[] buffer) => UnicodeNormalizer.NormalizeNfkc(text, ref buffer);

    internal bool IsStopWord(ReadOnlySpan<char> term) => _stopLookup.Contains(term);

    private enum CharClass : byte
    {
        Break,
        Letter,
        Digit,
        Ideograph,
        Connector,
        MidLetterOrNumber,
        MidNumber,
    }

    private static CharClass Classify(char c)
    {
        if (c < 128)
        {
            return c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => CharClass.Letter,
                >= '0' and <= '9' => CharClass.Digit,
                '_' => CharClass.Connector,
                '\'' or '.' => CharClass.MidLetterOrNumber,
                ',' or ';' => CharClass.MidNumber,
                _ => CharClass.Break,
            };
        }

        if (c is '\u2019' or '\uFF07')
        {
            return CharClass.MidLetterOrNumber;
        }

        if (c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF')
        {
            return CharClass.Ideograph;
        }

        if (char.IsSurrogate(c))
        {
            return CharClass.Letter;
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber => CharClass.Digit,
            UnicodeCategory.ConnectorPunctuation => CharClass.Connector,
            _ => CharClass.Break,
        };
    }

    /// <summary>Enumerates the terms of already-normalised text into a caller-supplied buffer, allocating nothing.</summary>
    internal ref struct TermEnumerator
    {
        private readonly EnglishTextAnalyzer _analyzer;
        private readonly ReadOnlySpan<char> _text;
        private readonly Span<char> _buffer;
        private int _position;
        private int _length;

        /// <param name="analyzer">The analyzer whose settings apply.</param>
        /// <param name="text">NFKC-normalised text.</param>
        /// <param name="buffer">At least <see cref="MaxTokenLength"/> + 1 characters.</param>
        public TermEnumerator(EnglishTextAnalyzer analyzer, ReadOnlySpan<char> text, Span<char> buffer)
        {
            _analyzer = analyzer;
            _text = text;
            _buffer = buffer;
        }

        public readonly ReadOnlySpan<char> Current => _buffer[.._length];

        public bool MoveNext()
        {
            while (NextToken())
            {
                if (_analyzer.IsStopWord(Current))
                {
                    continue;
                }

                if (_analyzer.Stems)
                {
                    _length = PorterStemmer.Stem(_buffer[.._length]);
                }

                return true;
            }

            return false;
        }

        /// <summary>Finds the next raw token, lowercased, possessive removed; skips over-long tokens.</summary>
        private bool NextToken()
        {
            var text = _text;
            while (_position < text.Length)
            {
                var start = _position;
                var cls = Classify(text[start]);
                if (cls == CharClass.Ideograph)
                {
                    _position++;
                    _buffer[0] = text[start];
                    _length = 1;
                    return true;
                }

                if (cls is not (CharClass.Letter or CharClass.Digit or CharClass.Connector))
                {
                    _position++;
                    continue;
                }

                var length = 0;
                var tooLong = false;
                var previous = cls;
                var i = start;
                while (i < text.Length)
                {
                    var c = text[i];
                    var current = Classify(c);
                    if (current is CharClass.MidLetterOrNumber or CharClass.MidNumber)
                    {
                        // A mid-word character joins two letters (o'neil, u.s.a) or two digits (3.14, 1,000).
                        var next = i + 1 < text.Length ? Classify(text[i + 1]) : CharClass.Break;
                        var joinsLetters = current == CharClass.MidLetterOrNumber && previous == CharClass.Letter && next == CharClass.Letter;
                        var joinsDigits = previous == CharClass.Digit && next == CharClass.Digit;
                        if (!joinsLetters && !joinsDigits)
                        {
                            break;
                        }
                    }
                    else if (current is not (CharClass.Letter or CharClass.Digit or CharClass.Connector))
                    {
                        break;
                    }

                    if (length < _buffer.Length)
                    {
                        _buffer[length] = char.ToLowerInvariant(c);
                    }
                    else
                    {
                        tooLong = true;
                    }

                    length++;
                    previous = current;
                    i++;
                }

                _position = i;
                if (tooLong || length > _analyzer.MaxTokenLength)
                {
                    continue;
                }

                // English possessive: drop a trailing 's (Lucene's EnglishPossessiveFilter).
                if (length >= 2 && _buffer[length - 1] == 's' && _buffer[length - 2] is '\'' or '\u2019' or '\uFF07')
                {
                    length -= 2;
                }

                if (length == 0)
                {
                    continue;
                }

                _length = length;
                return true;
            }

            return false;
        }
    }
}
