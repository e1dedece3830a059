using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class ScriptClassifierTests
{
    [TestCase("Where is the station?", "Latin", false)]
    [TestCase("Wo ist der Bahnhof? Größe", "Latin", false)]
    [TestCase("Где вокзал?", "Cyrillic", false)]
    [TestCase("車站在哪裡？", "Han", false)]
    [TestCase("Πού είναι ο σταθμός;", "Greek", false)]
    [TestCase("역은 어디에 있습니까?", "Hangul", false)]
    [TestCase("Where is 車站?", "Latin", true)]
    [TestCase("12345 ?!", "none", false)]
    public void DominantScriptAndMix(string text, string script, bool mixed) =>
        Assert.That(ScriptClassifier.Classify(text), Is.EqualTo((script, mixed)));
}
