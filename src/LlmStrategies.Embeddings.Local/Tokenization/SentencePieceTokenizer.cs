using System.Globalization;
using LlmStrategies.Text.Unicode;

namespace LlmStrategies.Embeddings.Local.Tokenization;

/// <summary>
/// The Universal Sentence Encoder Lite tokenizer, ported from the TF.js implementation the model ships
/// with (@energetic-ai/embeddings 0.2.0, itself the tfjs-models universal-sentence-encoder tokenizer):
/// NFKC-normalise (<see cref="UnicodeNormalizer"/>: the same result in every globalization mode), prefix "▁" and turn every U+0020 space into "▁", then pick the segmentation with the
/// best total piece score over a trie of the vocabulary (Viterbi), mapping a symbol no piece starts with
/// to the unknown id 0 and collapsing runs of unknowns into one.
/// </summary>
/// <remarks>
/// The quirks of the original are kept on purpose because the model was exercised through them:
/// a null score in vocab.json counts as 0; a later duplicate piece overwrites an earlier one; a candidate
/// replaces the best one when its score is greater OR EQUAL, or when the best score so far is exactly 0;
/// and the backtrack steps back by the UTF-16 length of the chosen piece's text. Symbols are Unicode
/// scalar values (the JS code iterates code points).
/// </remarks>
internal sealed class SentencePieceTokenizer
{
    /// <summary>The unknown-symbol id.</summary>
    public const int UnknownId = 0;

    /// <summary>The first ids are reserved (unknown, &lt;s&gt;, &lt;/s&gt;, ...) and never produced by segmentation.</summary>
    public const int ReservedIdCount = 6;

    private const int WordBoundary = '\u2581';
    private const int SpaceCodePoint = ' ';

    // Trie: node 0 is the root; an edge is (parent << 21 | code point) -> child (code points fit in 21 bits).
    private readonly Dictionary<long, int> _edges = [];
    private readonly List<int> _nodePiece = [-1];
    private readonly List<double> _nodeScore = [0d];
    private readonly int[] _pieceUtf16Length;

    /// <param name="pieces">The vocabulary as (piece, score) in id order; a null score counts as 0.</param>
    public SentencePieceTokenizer(IReadOnlyList<(string Piece, double? Score)> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        _pieceUtf16Length = new int[pieces.Count];
        for (var id = 0; id < pieces.Count; id++)
        {
            _pieceUtf16Length[id] = pieces[id].Piece.Length;
            if (id >= ReservedIdCount)
            {
                Insert(pieces[id].Piece, pieces[id].Score ?? 0d, id);
            }
        }

        VocabularySize = pieces.Count;
    }

    /// <summary>Number of ids.</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Token ids of <paramref name="text"/>, written to <paramref name="scratch"/>.<see cref="TokenizerScratch.Tokens"/>.
    /// Accepts any string: unpaired surrogates, U+0000 and noncharacters such as U+FFFE pass through normalisation and,
    /// as in the original, become the unknown id. Allocates nothing once the scratch buffers are large enough.
    /// </summary>
    /// <returns>The number of ids.</returns>
    public int Encode(string text, TokenizerScratch scratch)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scratch);
        var normalized = UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref scratch.Normalized);
        if (normalized.IsEmpty)
        {
            return 0;
        }

        // Symbols: "▁" + the normalised text with every U+0020 replaced by "▁", one per code point as JavaScript's
        // string iterator yields them (an unpaired surrogate is a symbol of its own, which no piece starts with).
        scratch.EnsureSymbolCapacity(normalized.Length + 1);
        var symbols = scratch.Symbols;
        var count = 0;
        symbols[count++] = WordBoundary;
        for (var i = 0; i < normalized.Length; i++)
        {
            int symbol = normalized[i];
            if (char.IsHighSurrogate(normalized[i]) && i + 1 < normalized.Length && char.IsLowSurrogate(normalized[i + 1]))
            {
                symbol = char.ConvertToUtf32(normalized[i], normalized[++i]);
            }

            symbols[count++] = symbol == SpaceCodePoint ? WordBoundary : symbol;
        }

        var best = scratch.BestScores;
        var words = scratch.BestPieces;
        Array.Clear(best, 0, count + 1);
        Array.Clear(words, 0, count + 1);

        // Forward relaxation in order of start position visits, for every end position, the candidates in
        // ascending start order with final best[start] values: the same order as the original's
        // "for endPos, for startPos in nodes[endPos]" loop, so ties resolve identically.
        for (var start = 0; start < count; start++)
        {
            var matched = false;
            var node = 0;
            for (var end = start; end < count && _edges.TryGetValue(((long)node << 21) | (uint)symbols[end], out node); end++)
            {
                var piece = _nodePiece[node];
                if (piece >= 0)
                {
                    Relax(best, words, start, end + 1, _nodeScore[node], piece);
                    matched = true;
                }
            }

            if (!matched)
            {
                Relax(best, words, start, start + 1, 0d, UnknownId);
            }
        }

        // Backtrack from the end, collapsing consecutive unknowns, then reverse into place.
        var tokens = scratch.EnsureTokenCapacity(count);
        var produced = 0;
        var previousWasUnknown = false;
        for (var position = count; position > 0;)
        {
            var id = words[position];
            if (!(previousWasUnknown && id == UnknownId))
            {
                tokens[produced++] = id;
            }

            previousWasUnknown = id == UnknownId;
            position -= _pieceUtf16Length[id];
        }

        Array.Reverse(tokens, 0, produced);
        return produced;
    }

    private static void Relax(double[] best, int[] words, int start, int end, double score, int piece)
    {
        var total = score + best[start];
        if (best[end] == 0d || total >= best[end])
        {
            best[end] = total;
            words[end] = piece;
        }
    }

    private void Insert(string piece, double score, int id)
    {
        if (piece.Length == 0)
        {
            return;
        }

        var node = 0;
        foreach (var rune in piece.EnumerateRunes())
        {
            var key = ((long)node << 21) | (uint)rune.Value;
            if (!_edges.TryGetValue(key, out var child))
            {
                child = _nodePiece.Count;
                _nodePiece.Add(-1);
                _nodeScore.Add(0d);
                _edges.Add(key, child);
            }

            node = child;
        }

        _nodePiece[node] = id;
        _nodeScore[node] = score;
    }

    /// <summary>Parses vocab.json: a JSON array of [piece, score] pairs in id order (score may be null).</summary>
    public static List<(string Piece, double? Score)> ParseVocabulary(ReadOnlySpan<byte> json, string path)
    {
        var pieces = new List<(string, double?)>(8192);
        var reader = new System.Text.Json.Utf8JsonReader(json);
        try
        {
            Expect(ref reader, System.Text.Json.JsonTokenType.StartArray, path);
            while (reader.Read() && reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
            {
                if (reader.TokenType != System.Text.Json.JsonTokenType.StartArray)
                {
                    throw Invalid(path, $"entry {pieces.Count} is not a [piece, score] pair");
                }

                Expect(ref reader, System.Text.Json.JsonTokenType.String, path);
                var piece = reader.GetString()!;
                reader.Read();
                double? score = reader.TokenType switch
                {
                    System.Text.Json.JsonTokenType.Number => reader.GetDouble(),
                    System.Text.Json.JsonTokenType.Null => null,
                    _ => throw Invalid(path, $"entry {pieces.Count} has a score that is neither a number nor null"),
                };
                Expect(ref reader, System.Text.Json.JsonTokenType.EndArray, path);
                pieces.Add((piece, score));
            }
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new InvalidDataException($"The vocabulary file '{path}' is not valid JSON: {exception.Message}", exception);
        }

        return pieces;
    }

    private static void Expect(ref System.Text.Json.Utf8JsonReader reader, System.Text.Json.JsonTokenType type, string path)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"expected {type} at byte {reader.TokenStartIndex}"));
        }
    }

    private static InvalidDataException Invalid(string path, string detail) =>
        new($"The vocabulary file '{path}' is not a USE Lite vocabulary: {detail}.");
}
