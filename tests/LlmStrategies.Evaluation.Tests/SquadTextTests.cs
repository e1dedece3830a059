using System.Text.Json;
using LlmStrategies.Evaluation;

namespace LlmStrategies.Tests.Evaluation;

/// <summary>
/// Issue 14, item 7: the library's SQuAD normalisation equals the official script's (normalize_answer) on every string.
/// The expected values are the script's own output, computed by Python (tools/squad-normalization/generate_fixture.py).
/// </summary>
public class SquadTextTests
{
    private static IEnumerable<(string Text, string Normalized, string[] Tokens)> Fixture()
    {
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "squad-normalization.jsonl")))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            yield return (root.GetProperty("text").GetString()!, root.GetProperty("normalized").GetString()!, root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray());
        }
    }

    // Expected values are Python's normalize_answer output (escaped so the final sigma ς U+03C2 is visible).
    [TestCase("\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2", TestName = "Greek final sigma at the end of a word")]
    [TestCase("\u039f\u0394\u039f\u03a3 \u039a\u0391\u0399 \u03a3\u039f\u03a6\u0399\u0391", "\u03bf\u03b4\u03bf\u03c2 \u03ba\u03b1\u03b9 \u03c3\u03bf\u03c6\u03b9\u03b1", TestName = "Greek final sigma only where a word ends")]
    [TestCase("\u0130stanbul", "i\u0307stanbul", TestName = "U+0130 lowercases to i and a combining dot")]
    [TestCase("\u00b2the a\u00bd \u216aan x\U0001D400the", "\u00b2the a\u00bd \u217aan x\U0001D400the", TestName = "superscripts, fractions, roman numerals and non-BMP letters are word characters")]
    [TestCase("x_the", "xthe", TestName = "the underscore is punctuation, removed before the articles are")]
    [TestCase("a\u001cthe\u001db\u001ec\u001fd", "b c d", TestName = "U+001C to U+001F are whitespace")]
    public void TheFourClassesThatDifferedFromTheScript(string text, string expected)
    {
        Assert.That(SquadText.Normalize(text), Is.EqualTo(expected));
    }

    [Test]
    public void EveryFixtureString_NormalisesAndTokenisesAsTheScriptDoes()
    {
        var fixture = Fixture().ToArray();
        var wrong = fixture.Where(f => SquadText.Normalize(f.Text) != f.Normalized || !SquadText.NormalizedTokens(f.Text).SequenceEqual(f.Tokens)).Take(10).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(fixture, Has.Length.GreaterThan(3_000));
            Assert.That(wrong.Select(w => $"{JsonSerializer.Serialize(w.Text)} -> {JsonSerializer.Serialize(SquadText.Normalize(w.Text))}, script {JsonSerializer.Serialize(w.Normalized)}"), Is.Empty);
        });
    }

    [Test]
    public void LoneSurrogates_AreKept_AsPythonKeepsThem()
    {
        Assert.That(SquadText.Normalize("The \ud800 answer"), Is.EqualTo("\ud800 answer"));
    }

    /// <summary>
    /// The full sweep: every code point in four contexts (4.45 million strings), against the script. Opt-in because it
    /// needs a 400 MB file: python3 tools/squad-normalization/generate_fixture.py --sweep /tmp/squad-sweep.jsonl, then
    /// LLMSTRATEGIES_SQUAD_SWEEP=/tmp/squad-sweep.jsonl.
    /// </summary>
    [Test]
    public void FullSweep_OfEveryCodePoint_WhenTheSweepFileIsGiven()
    {
        if (Environment.GetEnvironmentVariable("LLMSTRATEGIES_SQUAD_SWEEP") is not { Length: > 0 } path)
        {
            Assert.Ignore("The full code-point sweep is opt-in: generate it with tools/squad-normalization/generate_fixture.py --sweep FILE and set LLMSTRATEGIES_SQUAD_SWEEP=FILE.");
            return;
        }

        var total = 0;
        var differences = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var document = JsonDocument.Parse(line);
            var text = document.RootElement.GetProperty("text").GetString()!;
            var expected = document.RootElement.GetProperty("normalized").GetString()!;
            total++;
            if (SquadText.Normalize(text) != expected && differences.Count < 20)
            {
                differences.Add($"{JsonSerializer.Serialize(text)}: {JsonSerializer.Serialize(SquadText.Normalize(text))} vs {JsonSerializer.Serialize(expected)}");
            }
        }

        TestContext.Out.WriteLine($"{total} strings compared.");
        Assert.That(differences, Is.Empty);
    }
}
