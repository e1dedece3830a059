using LlmStrategies.FewShot;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.Tests.FineTuning.TrainingData;

public class NearDuplicateIndexTests
{
    [TestCase(0.5)]
    [TestCase(0.7)]
    [TestCase(0.9)]
    [TestCase(1.0)]
    public void FindFirst_AgreesWithComparingEveryPairWithTheGuard(double threshold)
    {
        // Random short texts over a small vocabulary, with edited copies, so that many pairs sit near the threshold.
        var random = new Random(42);
        string[] words =
        [
            "a", "the", "router", "warranty", "light", "red", "blue", "bill", "plan", "fast", "slow", "wifi", "engineer", "visit",
            "cable", "fibre", "outage", "refund", "booster", "password", "upgrade", "contract", "speed", "modem", "app", "signal",
        ];
        string Sentence() => string.Join(' ', Enumerable.Range(0, 2 + random.Next(8)).Select(_ => words[random.Next(words.Length)]));
        var references = Enumerable.Range(0, 150).Select(_ => Sentence()).ToList();
        var probes = Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? Sentence() : Edit(references[random.Next(references.Count)], random, words)).ToList();
        var guard = new LeakageGuard(threshold);
        var index = new NearDuplicateIndex(guard, references);

        var mismatches = probes
            .Select(p => (Probe: p, Fast: index.FindFirst(p), Slow: references.FindIndex(r => guard.IsLeak(p, r))))
            .Where(x => x.Fast != x.Slow)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That(probes.Count(p => index.FindFirst(p) >= 0), Is.InRange(1, probes.Count - 1), "the data must exercise both outcomes");
        });
    }

    [Test]
    public void FindFirst_ReturnsMinusOne_WhenNothingMatches() =>
        Assert.That(new NearDuplicateIndex(new LeakageGuard(), ["alpha beta gamma"]).FindFirst("delta epsilon"), Is.EqualTo(-1));

    [Test]
    public void FindFirst_MatchesEmptyAndPunctuationOnlyTexts_AsTheGuardDoes()
    {
        var guard = new LeakageGuard();
        var index = new NearDuplicateIndex(guard, ["?!", "hello"]);

        Assert.That(index.FindFirst("..."), Is.EqualTo(guard.IsLeak("...", "?!") ? 0 : -1));
    }

    private static string Edit(string text, Random random, string[] words)
    {
        var tokens = text.Split(' ').ToList();
        switch (random.Next(4))
        {
            case 0:
                tokens.Add(words[random.Next(words.Length)]);
                break;
            case 1 when tokens.Count > 1:
                tokens.RemoveAt(random.Next(tokens.Count));
                break;
            case 2:
                tokens[random.Next(tokens.Count)] = words[random.Next(words.Length)];
                break;
            default:
                return text.ToUpperInvariant() + " ?";
        }

        return string.Join(' ', tokens);
    }
}
