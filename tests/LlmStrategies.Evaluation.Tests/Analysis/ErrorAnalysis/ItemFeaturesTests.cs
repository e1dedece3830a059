using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class ItemFeaturesTests
{
    [TestCase("What is the capital of France?", "what")]
    [TestCase("In which year did it open?", "which")]
    [TestCase("How many people live there?", "how many/much")]
    [TestCase("How did it end?", "how")]
    [TestCase("Whose idea was it?", "who")]
    [TestCase("Name the river.", "other")]
    public void QuestionWord(string input, string expected) => Assert.That(ItemFeatures.QuestionWord(input), Is.EqualTo(expected));

    [TestCase("1995", "date")]
    [TestCase("March 3, 1995", "date")]
    [TestCase("the 19th century", "date")]
    [TestCase("42", "number")]
    [TestCase("$3.5 million", "number")]
    [TestCase("12%", "number")]
    [TestCase("three", "number")]
    [TestCase("Denver Broncos", "name")]
    [TestCase("University of Chicago", "name")]
    [TestCase("a large red barn", "other")]
    public void AnswerType(string gold, string expected) => Assert.That(ItemFeatures.AnswerType([gold]), Is.EqualTo(expected));

    [Test]
    public void NoGoldIsNone() => Assert.That(ItemFeatures.AnswerType([]), Is.EqualTo("none"));

    [Test]
    public void LengthBucketsAreQuartilesByHand()
    {
        // 1..8: q1 = 2.75 → 2, q2 = 4.5 → 4, q3 = 6.25 → 6 (floored on integer lengths).
        var buckets = ItemFeatures.LengthBuckets([1, 2, 3, 4, 5, 6, 7, 8], "words");
        Assert.That(buckets, Is.EqualTo(new[] { "≤ 2 words", "≤ 2 words", "3–4 words", "3–4 words", "5–6 words", "5–6 words", "≥ 7 words", "≥ 7 words" }));
    }
}
