using LlmStrategies.Retrieval.Analysis;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Retrieval.Analysis;

public class PorterStemmerTests
{
    // Examples printed in Porter (1980), "An algorithm for suffix stripping", one or more per rule.
    [TestCase("caresses", "caress")]
    [TestCase("ponies", "poni")]
    [TestCase("ties", "ti")]
    [TestCase("caress", "caress")]
    [TestCase("cats", "cat")]
    [TestCase("feed", "feed")]
    [TestCase("agreed", "agre")]
    [TestCase("plastered", "plaster")]
    [TestCase("bled", "bled")]
    [TestCase("motoring", "motor")]
    [TestCase("sing", "sing")]
    [TestCase("conflated", "conflat")]
    [TestCase("troubled", "troubl")]
    [TestCase("sized", "size")]
    [TestCase("hopping", "hop")]
    [TestCase("tanned", "tan")]
    [TestCase("falling", "fall")]
    [TestCase("hissing", "hiss")]
    [TestCase("fizzed", "fizz")]
    [TestCase("failing", "fail")]
    [TestCase("filing", "file")]
    [TestCase("happy", "happi")]
    [TestCase("sky", "sky")]
    [TestCase("relational", "relat")]
    [TestCase("conditional", "condit")]
    [TestCase("rational", "ration")]
    [TestCase("valenci", "valenc")]
    [TestCase("hesitanci", "hesit")]
    [TestCase("digitizer", "digit")]
    [TestCase("radicalli", "radic")]
    [TestCase("differentli", "differ")]
    [TestCase("vileli", "vile")]
    [TestCase("analogousli", "analog")]
    [TestCase("vietnamization", "vietnam")]
    [TestCase("predication", "predic")]
    [TestCase("operator", "oper")]
    [TestCase("feudalism", "feudal")]
    [TestCase("decisiveness", "decis")]
    [TestCase("hopefulness", "hope")]
    [TestCase("callousness", "callous")]
    [TestCase("formaliti", "formal")]
    [TestCase("sensitiviti", "sensit")]
    [TestCase("sensibiliti", "sensibl")]
    [TestCase("triplicate", "triplic")]
    [TestCase("formative", "form")]
    [TestCase("formalize", "formal")]
    [TestCase("electriciti", "electr")]
    [TestCase("electrical", "electr")]
    [TestCase("hopeful", "hope")]
    [TestCase("goodness", "good")]
    [TestCase("revival", "reviv")]
    [TestCase("allowance", "allow")]
    [TestCase("inference", "infer")]
    [TestCase("airliner", "airlin")]
    [TestCase("gyroscopic", "gyroscop")]
    [TestCase("adjustable", "adjust")]
    [TestCase("defensible", "defens")]
    [TestCase("irritant", "irrit")]
    [TestCase("replacement", "replac")]
    [TestCase("adjustment", "adjust")]
    [TestCase("dependent", "depend")]
    [TestCase("adoption", "adopt")]
    [TestCase("homologou", "homolog")]
    [TestCase("communism", "commun")]
    [TestCase("activate", "activ")]
    [TestCase("angulariti", "angular")]
    [TestCase("homologous", "homolog")]
    [TestCase("effective", "effect")]
    [TestCase("bowdlerize", "bowdler")]
    [TestCase("probate", "probat")]
    [TestCase("rate", "rate")]
    [TestCase("cease", "ceas")]
    [TestCase("controll", "control")]
    [TestCase("roll", "roll")]
    [TestCase("generalizations", "gener")]
    [TestCase("oscillators", "oscil")]
    public void StemsThePublishedExamples(string word, string stem)
    {
        Assert.That(PorterStemmer.Stem(word), Is.EqualTo(stem));
    }

    [TestCase("")]
    [TestCase("a")]
    [TestCase("is")]
    [TestCase("ies")]
    [TestCase("sss")]
    [TestCase("eed")]
    [TestCase("yyy")]
    public void HandlesDegenerateWordsLikeLucene(string word)
    {
        Assert.That(PorterStemmer.Stem(word), Is.EqualTo(word.Length == 0 ? word : LuceneReference.PorterStem(word)));
    }

    [Test]
    public void AgreesWithLucenesPorterStemFilter_OnEveryWordOfTheSquadCorpus()
    {
        var words = Squad.Paragraphs
            .SelectMany(p => p.Split((char[])[' ', '\n', ',', '.', ';', ':', '(', ')', '"', '?', '!'], StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.ToLowerInvariant())
            .Where(w => w.All(char.IsAsciiLetterLower))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var mismatches = words.Where(w => PorterStemmer.Stem(w) != LuceneReference.PorterStem(w)).Take(20).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(words, Has.Count.GreaterThan(10_000), "the vocabulary is large enough to exercise every rule");
            Assert.That(mismatches, Is.Empty, string.Join(", ", mismatches.Select(w => $"{w}: ours {PorterStemmer.Stem(w)}, Lucene {LuceneReference.PorterStem(w)}")));
        });
    }

    [Test]
    public void StemsInPlace_WithoutTouchingCharactersBeyondTheStem()
    {
        var buffer = "relational|".ToCharArray();

        var length = PorterStemmer.Stem(buffer.AsSpan(0, 10));

        Assert.Multiple(() =>
        {
            Assert.That(new string(buffer, 0, length), Is.EqualTo("relat"));
            Assert.That(buffer[10], Is.EqualTo('|'));
        });
    }
}
