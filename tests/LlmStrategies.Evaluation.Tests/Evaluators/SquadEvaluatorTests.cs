using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tests.Evaluation.Evaluators;

public class SquadEvaluatorTests
{
    // Expected values are the outputs of the official SQuAD v1.1 evaluate script's functions (normalize_answer,
    // exact_match_score, f1_score, metric_max_over_ground_truths) run on these hand-made cases with Python 3.
    [TestCase("The Eiffel Tower!", new[] { "eiffel tower" }, 1, 1.0)]
    [TestCase("in 1889", new[] { "1889", "the year 1889" }, 0, 2.0 / 3)] // max over golds: "1889" gives p 1/2, r 1 → 2/3
    [TestCase("a cat sat on the mat", new[] { "The cat sat" }, 0, 2.0 / 3)] // "cat sat on mat" vs "cat sat": p 2/4, r 1
    [TestCase("Denver Broncos", new[] { "Denver Broncos", "The Denver Broncos" }, 1, 1.0)]
    [TestCase("the the the", new[] { "an" }, 1, 0.0)] // both normalise to "", so EM is 1 but F1 (no shared token) is 0
    [TestCase("Theatre and anthem", new[] { "the atre an them" }, 0, 0.0)] // articles are whole words only
    [TestCase("U.S.A.", new[] { "USA" }, 1, 1.0)]
    [TestCase("rock-and-roll", new[] { "rock and roll" }, 0, 0.0)] // punctuation is deleted, not replaced by a space
    [TestCase("New York City, New York", new[] { "New York" }, 0, 0.5714285714285715)] // Counter intersection: 2 of 5, 2 of 2
    [TestCase("Santa  Clara\tMarriott", new[] { "Santa Clara Marriott" }, 1, 1.0)]
    [TestCase("Café au lait", new[] { "café au lait." }, 1, 1.0)]
    [TestCase("", new[] { "anything" }, 0, 0.0)]
    [TestCase("two two three", new[] { "two three three" }, 0, 2.0 / 3)] // multiset intersection {two, three}
    public void Scores_MatchTheOfficialScript(string prediction, string[] golds, double exactMatch, double f1)
    {
        Assert.Multiple(() =>
        {
            Assert.That(SquadEvaluator.ExactMatch(prediction, golds), Is.EqualTo(exactMatch));
            Assert.That(SquadEvaluator.F1(prediction, golds), Is.EqualTo(f1).Within(1e-12));
        });
    }

    [Test]
    public void Normalisation_MatchesTheOfficialScript()
    {
        // normalize_answer outputs from the script.
        Assert.Multiple(() =>
        {
            Assert.That(SquadText.Normalize("a cat sat on the mat"), Is.EqualTo("cat sat on mat"));
            Assert.That(SquadText.Normalize("New York City, New York"), Is.EqualTo("new york city new york"));
            Assert.That(SquadText.Normalize("rock-and-roll"), Is.EqualTo("rockandroll"));
            Assert.That(SquadText.Normalize("the the the"), Is.EqualTo(string.Empty));
        });
    }

    [Test]
    public async Task EvaluateAsync_ReturnsBothMetrics()
    {
        var result = await new SquadEvaluator().EvaluateAsync(
            [new ChatMessage(ChatRole.User, "When?")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, "in 1889")),
            additionalContext: [new ExpectedOutputsContext(["1889"])]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Get<NumericMetric>(SquadEvaluator.ExactMatchMetricName).Value, Is.EqualTo(0));
            Assert.That(result.Get<NumericMetric>(SquadEvaluator.F1MetricName).Value, Is.EqualTo(2.0 / 3).Within(1e-12));
        });
    }

    [Test]
    public async Task EvaluateAsync_WithoutExpectedOutputs_IsAnErrorNotAZero()
    {
        var result = await new SquadEvaluator().EvaluateAsync([], new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")));

        var f1 = result.Get<NumericMetric>(SquadEvaluator.F1MetricName);
        Assert.Multiple(() =>
        {
            Assert.That(f1.Value, Is.Null);
            Assert.That(f1.Diagnostics!.Single().Severity, Is.EqualTo(EvaluationDiagnosticSeverity.Error));
        });
    }

    [Test]
    public async Task CitationMarkers_CostNoF1_ByDefault()
    {
        // "Denver Broncos [1]" against "Denver Broncos": the marker "1" is a token of its own, F1 = 2·(2/3·1)/(2/3+1) = 0.8.
        var context = new ExpectedOutputsContext(["Denver Broncos"]);
        var stripped = await Evaluate.Response(new SquadEvaluator(), "Denver Broncos [1]", context);
        var kept = await Evaluate.Response(new SquadEvaluator(stripCitationMarkers: false), "Denver Broncos [1]", context);

        Assert.Multiple(() =>
        {
            Assert.That(stripped.Get<NumericMetric>(SquadEvaluator.F1MetricName).Value, Is.EqualTo(1.0));
            Assert.That(stripped.Get<NumericMetric>(SquadEvaluator.ExactMatchMetricName).Value, Is.EqualTo(1.0));
            Assert.That(kept.Get<NumericMetric>(SquadEvaluator.F1MetricName).Value, Is.EqualTo(0.8).Within(1e-12));
            Assert.That(SquadEvaluator.F1("Denver Broncos [1, 3]", ["Denver Broncos"]), Is.LessThan(1), "the static scores stay raw");
        });
    }
}
