using System.Text;
using LlmStrategies.Embeddings.Local.Tokenization;

namespace LlmStrategies.Embeddings.Local.Tests.Tokenization;

public sealed class SentencePieceTokenizerTests
{
    private const string Boundary = "\u2581";

    [Test]
    public void Encode_MatchesTheOriginalTokenizerOnEveryFixtureSentence()
    {
        var tokenizer = TestModel.Model.Tokenizer;
        var scratch = new TokenizerScratch();
        using (Assert.EnterMultipleScope())
        {
            foreach (var sentence in ReferenceFixture.Sentences)
            {
                var count = tokenizer.Encode(sentence.Text, scratch);
                Assert.That(scratch.Tokens[..count], Is.EqualTo(sentence.Tokens), $"'{sentence.Text}'");
            }
        }
    }

    [Test]
    public void Encode_EmptyText_GivesNoTokens()
    {
        var vocabulary = new TinyVocabulary((Boundary + "a", -1));

        Assert.That(vocabulary.Encode(string.Empty), Is.Empty);
    }

    [Test]
    public void Encode_PrefixesTheWordBoundaryAndTurnsSpacesIntoIt()
    {
        var vocabulary = new TinyVocabulary((Boundary + "a", -1), (Boundary + "b", -1));

        Assert.That(vocabulary.Encode("a b"), Is.EqualTo(vocabulary.Ids(Boundary + "a", Boundary + "b")));
    }

    [Test]
    public void Encode_PicksTheSegmentationWithTheBestTotalScore()
    {
        var vocabulary = new TinyVocabulary((Boundary + "ab", -1.5), (Boundary + "a", -1), ("b", -1));

        Assert.That(vocabulary.Encode("ab"), Is.EqualTo(vocabulary.Ids(Boundary + "ab")));
    }

    [Test]
    public void Encode_OnATie_TheCandidateThatStartsLaterWins()
    {
        // "▁ab" (-2) and "▁a" + "b" (-1 + -1) tie; the original keeps the later start (score >= best).
        var vocabulary = new TinyVocabulary((Boundary + "ab", -2), (Boundary + "a", -1), ("b", -1));

        Assert.That(vocabulary.Encode("ab"), Is.EqualTo(vocabulary.Ids(Boundary + "a", "b")));
    }

    [Test]
    public void Encode_NullScoreCountsAsZero()
    {
        // ":" has a null score in the real vocab.json; as 0, "▁" + ":" (-1 + 0) beats "▁:" (-1.5).
        var vocabulary = new TinyVocabulary((Boundary, -1), (":", null), (Boundary + ":", -1.5));

        Assert.That(vocabulary.Encode(":"), Is.EqualTo(vocabulary.Ids(Boundary, ":")));
    }

    [Test]
    public void Encode_ASymbolNoPieceStartsWithIsUnknownAndRunsCollapse()
    {
        var vocabulary = new TinyVocabulary((Boundary, -1), ("x", -1));

        Assert.That(vocabulary.Encode("€€€x€"), Is.EqualTo(new[] { vocabulary.Id(Boundary), 0, vocabulary.Id("x"), 0 }));
    }

    [Test]
    public void Encode_SymbolsOutsideTheBasicPlaneCountAsOneSymbol()
    {
        var vocabulary = new TinyVocabulary((Boundary, -1), ("x", -1));

        Assert.That(vocabulary.Encode("😀x"), Is.EqualTo(new[] { vocabulary.Id(Boundary), 0, vocabulary.Id("x") }));
    }

    [Test]
    public void Encode_LoneSurrogateIsAnUnknownSymbolNotAnError()
    {
        var vocabulary = new TinyVocabulary((Boundary, -1), ("x", -1));

        Assert.That(vocabulary.Encode("x\uD800x"), Is.EqualTo(new[] { vocabulary.Id(Boundary), vocabulary.Id("x"), 0, vocabulary.Id("x") }));
    }

    [TestCase("\uFFFE")]
    [TestCase("\uFFFF")]
    [TestCase("\uFDD0")]
    [TestCase("\0")]
    [TestCase("\uDC00")]
    public void Encode_NoncharactersNulAndUnpairedSurrogatesAreUnknownLikeTheOriginal(string special)
    {
        // The original (node, @energetic-ai/embeddings 0.2.0) encodes "x" + each of these + "x" as [▁x, unknown, x].
        var vocabulary = new TinyVocabulary((Boundary + "x", -1), ("x", -1));

        Assert.That(vocabulary.Encode("x" + special + "x"), Is.EqualTo(new[] { vocabulary.Id(Boundary + "x"), 0, vocabulary.Id("x") }));
    }

    [Test]
    public void Encode_AppliesNfkcNormalization()
    {
        var vocabulary = new TinyVocabulary((Boundary + "fi", -1));

        Assert.That(vocabulary.Encode("ﬁ"), Is.EqualTo(vocabulary.Ids(Boundary + "fi")));
    }

    [Test]
    public void Encode_ADuplicatedPieceKeepsTheLastIdAndScore()
    {
        var vocabulary = new TinyVocabulary((Boundary + "a", -1), (Boundary + "a", -3));

        Assert.That(vocabulary.Encode("a"), Is.EqualTo(new[] { TinyVocabulary.FirstPieceId + 1 }));
    }

    [Test]
    public void Encode_GrowsItsScratchForLongInput()
    {
        var vocabulary = new TinyVocabulary((Boundary, -1), ("x", -1));

        Assert.That(vocabulary.Encode(new string('x', 5000)), Has.Length.EqualTo(5001));
    }

    [Test]
    public void ParseVocabulary_ReadsPiecesAndNullScores()
    {
        var pieces = SentencePieceTokenizer.ParseVocabulary("[[\"a\", -1.5], [\":\", null]]"u8, "vocab.json");

        Assert.That(pieces, Is.EqualTo(new (string, double?)[] { ("a", -1.5), (":", null) }));
    }

    [TestCase("{}")]
    [TestCase("[[\"a\"]]")]
    [TestCase("[[\"a\", \"b\"]]")]
    [TestCase("[[\"a\", 1")]
    public void ParseVocabulary_RejectsMalformedFilesNamingThePath(string json)
    {
        Assert.That(
            () => SentencePieceTokenizer.ParseVocabulary(Encoding.UTF8.GetBytes(json), "/models/vocab.json"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("/models/vocab.json"));
    }

    /// <summary>
    /// A small vocabulary: the 6 reserved ids, the given pieces, then every single letter the tests use at a
    /// poor score (-10). Without single-symbol pieces, a symbol no piece starts with is "unknown" with score 0,
    /// which beats every real segmentation, exactly as in the original.
    /// </summary>
    private sealed class TinyVocabulary
    {
        public const int FirstPieceId = 6;
        private readonly List<(string Piece, double? Score)> _pieces = [("\uFFFD", 0), ("<s>", 0), ("</s>", 0), ("r3", 0), ("r4", 0), ("r5", 0)];
        private readonly SentencePieceTokenizer _tokenizer;

        public TinyVocabulary(params (string Piece, double? Score)[] pieces)
        {
            _pieces.AddRange(pieces);
            foreach (var letter in new[] { Boundary, "a", "b", "f", "i", "x", ":" })
            {
                if (!pieces.Any(piece => piece.Piece == letter))
                {
                    _pieces.Add((letter, -10));
                }
            }

            _tokenizer = new SentencePieceTokenizer(_pieces);
        }

        public int Id(string piece) => _pieces.FindLastIndex(entry => entry.Piece == piece);

        public int[] Ids(params string[] pieces) => pieces.Select(Id).ToArray();

        public int[] Encode(string text)
        {
            var scratch = new TokenizerScratch();
            var count = _tokenizer.Encode(text, scratch);
            return scratch.Tokens[..count];
        }
    }
}
