using LlmStrategies.Retrieval.Analysis;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Retrieval.Analysis;

public class EnglishTextAnalyzerTests
{
    private readonly EnglishTextAnalyzer _analyzer = new();

    [Test]
    public void LowercasesRemovesStopWordsPossessivesAndStems()
    {
        Assert.That(_analyzer.Analyze("The Router's antennas are CONNECTED to the ports."), Is.EqualTo(new[] { "router", "antenna", "connect", "port" }));
    }

    [TestCase("O'Neil's u.s.a. plan", new[] { "o'neil", "u.s.a", "plan" })]
    [TestCase("pi is 3.14159 and 1,000,000 > 999", new[] { "pi", "3.14159", "1,000,000", "999" })]
    [TestCase("end. Next", new[] { "end", "next" })]
    [TestCase("wi-fi snake_case", new[] { "wi", "fi", "snake_case" })]
    [TestCase("東京タワー", new[] { "東", "京", "タ", "ワ", "ー" })]
    public void SegmentsWordsNumbersAndIdeographs(string text, string[] expected)
    {
        Assert.That(new EnglishTextAnalyzer(new TextAnalyzerOptions { Stem = false }).Analyze(text), Is.EqualTo(expected));
    }

    [Test]
    public void NormalisesCompatibilityCharacters_NFKC_InEveryGlobalizationMode()
    {
        if (InvariantGlobalizationRun.IsChildRun)
        {
            Assert.That("\uFB01".Normalize(System.Text.NormalizationForm.FormKC), Is.EqualTo("\uFB01"), "the child run must be in invariant mode (string.Normalize a no-op)");
        }

        Assert.Multiple(() =>
        {
            Assert.That(_analyzer.Analyze("ＲＯＵＴＥＲ ﬁrmware ①"), Is.EqualTo(new[] { "router", "firmwar", "1" }));
            Assert.That(_analyzer.Analyze("The ﬁrst ﬂow of eﬃcient oﬀers"), Is.EqualTo(_analyzer.Analyze("The first flow of efficient offers")));
        });
    }

    [Test]
    public void Tokens_AreTheSameWithoutIcu()
    {
        if (InvariantGlobalizationRun.IsChildRun)
        {
            Assert.Pass("This is the child run.");
        }

        // Before the library had its own NFKC tables, the child run produced "ﬁrst", "ﬂow", "eﬃcient", "oﬀer" here.
        InvariantGlobalizationRun.AssertPasses(typeof(EnglishTextAnalyzerTests).Assembly, "FullyQualifiedName~EnglishTextAnalyzerTests.NormalisesCompatibilityCharacters");
    }

    [Test]
    public void TheFingerprint_RecordsTheNormalisation()
    {
        var fingerprint = new FingerprintBuilder();
        _analyzer.AddToFingerprint(fingerprint);

        Assert.That(fingerprint.CanonicalText, Does.Contain("normalization=nfkc/unicode-"));
    }

    [Test]
    public void DropsTokensLongerThanTheLimit()
    {
        var analyzer = new EnglishTextAnalyzer(new TextAnalyzerOptions { MaxTokenLength = 5 });

        Assert.That(analyzer.Analyze("short averyverylongtoken ok"), Is.EqualTo(new[] { "short", "ok" }));
    }

    [Test]
    public void CustomStopWords_ReplaceTheDefaults()
    {
        var analyzer = new EnglishTextAnalyzer(new TextAnalyzerOptions { StopWords = ["router"], Stem = false });

        Assert.That(analyzer.Analyze("the router"), Is.EqualTo(new[] { "the" }));
    }

    [Test]
    public void MatchesLucenesEnglishAnalyzer_OnNearlyAllSquadParagraphs()
    {
        var paragraphs = Squad.Paragraphs;
        var identical = paragraphs.Count(p => _analyzer.Analyze(p).SequenceEqual(LuceneReference.EnglishTerms(p)));
        var ourTerms = paragraphs.Sum(p => _analyzer.Analyze(p).Count);
        var luceneTerms = paragraphs.Sum(p => LuceneReference.EnglishTerms(p).Count);

        TestContext.Out.WriteLine($"identical term sequences: {identical}/{paragraphs.Count}; terms ours {ourTerms}, Lucene {luceneTerms}");
        Assert.Multiple(() =>
        {
            // Our segmentation is a subset of UAX #29 (no e-mail/URL rules, NFKC first), so a few paragraphs differ.
            Assert.That(identical, Is.GreaterThanOrEqualTo(paragraphs.Count * 0.90));
            Assert.That(ourTerms, Is.EqualTo(luceneTerms).Within(0.5).Percent);
        });
    }
}
