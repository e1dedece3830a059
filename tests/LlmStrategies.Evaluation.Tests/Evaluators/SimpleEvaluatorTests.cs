using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tests.Evaluation.Evaluators;

internal static class Evaluate
{
    public static async Task<EvaluationResult> Response(IEvaluator evaluator, string response, params EvaluationContext[] contexts) =>
        await evaluator.EvaluateAsync([new ChatMessage(ChatRole.User, "question?")], new ChatResponse(new ChatMessage(ChatRole.Assistant, response)), additionalContext: contexts);
}

public class ExactMatchEvaluatorTests
{
    [TestCase(" Paris ", true)]
    [TestCase("paris", true)]
    [TestCase("Paris, France", false)]
    public async Task ComparesTrimmedIgnoringCase(string response, bool expected)
    {
        var result = await Evaluate.Response(new ExactMatchEvaluator(), response, new ExpectedOutputsContext(["Lyon", "Paris"]));
        Assert.That(result.Get<BooleanMetric>(ExactMatchEvaluator.MetricName).Value, Is.EqualTo(expected));
    }

    [Test]
    public async Task CitationMarkers_AreStrippedBeforeComparing_UnlessTurnedOff()
    {
        var stripped = await Evaluate.Response(new ExactMatchEvaluator(), "Paris [2]", new ExpectedOutputsContext(["Paris"]));
        var kept = await Evaluate.Response(new ExactMatchEvaluator(stripCitationMarkers: false), "Paris [2]", new ExpectedOutputsContext(["Paris"]));

        Assert.Multiple(() =>
        {
            Assert.That(stripped.Get<BooleanMetric>(ExactMatchEvaluator.MetricName).Value, Is.True);
            Assert.That(kept.Get<BooleanMetric>(ExactMatchEvaluator.MetricName).Value, Is.False);
        });
    }

    [Test]
    public async Task CaseSensitive_WhenAsked()
    {
        var result = await Evaluate.Response(new ExactMatchEvaluator(ignoreCase: false), "paris", new ExpectedOutputsContext(["Paris"]));
        Assert.That(result.Get<BooleanMetric>(ExactMatchEvaluator.MetricName).Value, Is.False);
    }
}

public class ContainsEvaluatorTests
{
    [TestCase("The warranty lasts three years.", "three years", true)]
    [TestCase("It was founded in 20091.", "2009", false)] // whole words only
    [TestCase("It costs 349 euros [1].", "349 euros", true)]
    [TestCase("I cannot answer that.", "349 euros", false)]
    public async Task FindsWholeNormalisedWords(string response, string expected, bool contains)
    {
        var result = await Evaluate.Response(new ContainsEvaluator(), response, new ExpectedOutputsContext([expected]));
        Assert.That(result.Get<BooleanMetric>(ContainsEvaluator.MetricName).Value, Is.EqualTo(contains));
    }

    [Test]
    public async Task WithoutExpectedOutputs_ReportsAnError()
    {
        var result = await Evaluate.Response(new ContainsEvaluator(), "x");
        var metric = result.Get<BooleanMetric>(ContainsEvaluator.MetricName);
        Assert.That(metric.Value, Is.Null);
        Assert.That(metric.Diagnostics!.Single().Severity, Is.EqualTo(EvaluationDiagnosticSeverity.Error));
    }
}

public class RegexEvaluatorTests
{
    [TestCase("See [1] and [2].", true)]
    [TestCase("No citation.", false)]
    public async Task MatchesThePattern(string response, bool expected)
    {
        var result = await Evaluate.Response(new RegexEvaluator(@"\[\d+\]", "Cites"), response);
        Assert.That(result.Get<BooleanMetric>("Cites").Value, Is.EqualTo(expected));
    }
}

public class JsonEvaluatorTests
{
    private const string Schema = """
        {"type": "object", "required": ["answer", "confidence"], "additionalProperties": false,
         "properties": {"answer": {"type": "string", "minLength": 1}, "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2}}}
        """;

    [Test]
    public async Task ValidAndConforming()
    {
        var result = await Evaluate.Response(new JsonEvaluator(Schema), "```json\n{\"answer\": \"yes\", \"confidence\": 0.9, \"tags\": [\"a\"]}\n```");
        Assert.Multiple(() =>
        {
            Assert.That(result.Get<BooleanMetric>(JsonEvaluator.ValidMetricName).Value, Is.True);
            Assert.That(result.Get<BooleanMetric>(JsonEvaluator.SchemaMetricName).Value, Is.True);
        });
    }

    [Test]
    public async Task Violations_AreListed()
    {
        var result = await Evaluate.Response(new JsonEvaluator(Schema), "{\"answer\": \"\", \"confidence\": 2, \"tags\": [\"c\"], \"extra\": 1}");
        var conformance = result.Get<BooleanMetric>(JsonEvaluator.SchemaMetricName);
        Assert.Multiple(() =>
        {
            Assert.That(result.Get<BooleanMetric>(JsonEvaluator.ValidMetricName).Value, Is.True);
            Assert.That(conformance.Value, Is.False);
            Assert.That(conformance.Reason, Does.Contain("$.answer: length 0"));
            Assert.That(conformance.Reason, Does.Contain("$.confidence: 2 is not <= 1"));
            Assert.That(conformance.Reason, Does.Contain("$.tags[0]"));
            Assert.That(conformance.Reason, Does.Contain("'extra' is not allowed"));
        });
    }

    [Test]
    public async Task InvalidJson_FailsBoth()
    {
        var result = await Evaluate.Response(new JsonEvaluator(Schema), "{answer: yes");
        Assert.Multiple(() =>
        {
            Assert.That(result.Get<BooleanMetric>(JsonEvaluator.ValidMetricName).Value, Is.False);
            Assert.That(result.Get<BooleanMetric>(JsonEvaluator.SchemaMetricName).Value, Is.False);
        });
    }

    [Test]
    public void UnsupportedKeyword_IsRejectedUpFront()
    {
        var ex = Assert.Throws<NotSupportedException>(() => new JsonEvaluator("""{"$ref": "#/defs/x"}"""));
        Assert.That(ex!.Message, Does.Contain("$ref"));
    }
}

public class EmbeddingSimilarityEvaluatorTests
{
    [Test]
    public async Task TakesTheBestCosineOverExpectedOutputs()
    {
        var embeddings = new TestDoubles.TestEmbeddingGenerator(new()
        {
            ["answer"] = [1, 0, 0],
            ["far"] = [0, 1, 0],
            ["near"] = [1, 1, 0],
        });

        var result = await Evaluate.Response(new EmbeddingSimilarityEvaluator(embeddings), "answer", new ExpectedOutputsContext(["far", "near"]));

        Assert.That(result.Get<NumericMetric>(EmbeddingSimilarityEvaluator.MetricName).Value, Is.EqualTo(Math.Sqrt(0.5)).Within(1e-6));
    }
}

public class RetrievalEvaluatorTests
{
    [Test]
    public async Task ScoresTheRetrievedSources()
    {
        // Relevant: d2 (grade 2), d5 (grade 1). Retrieved d1, d2, d3: recall@3 = 1/2, RR = 1/2,
        // nDCG@3 = (2/log2 3) / (2/log2 2 + 1/log2 3) = 1.26186 / 2.63093 = 0.479629.
        var result = await Evaluate.Response(
            new RetrievalEvaluator(k: 3),
            "answer",
            new RetrievedSourcesContext(["d1", "d2", "d3"]),
            new RelevanceJudgmentsContext(new Dictionary<string, double> { ["d2"] = 2, ["d5"] = 1 }));

        Assert.Multiple(() =>
        {
            Assert.That(result.Get<NumericMetric>("Recall@3").Value, Is.EqualTo(0.5));
            Assert.That(result.Get<NumericMetric>("MRR@3").Value, Is.EqualTo(0.5));
            Assert.That(result.Get<NumericMetric>("nDCG@3").Value, Is.EqualTo((2 / Math.Log2(3)) / (2 + (1 / Math.Log2(3)))).Within(1e-12));
        });
    }

    [Test]
    public async Task WithoutJudgments_ReportsAnError()
    {
        var result = await Evaluate.Response(new RetrievalEvaluator(), "answer", new RetrievedSourcesContext(["d1"]));
        Assert.That(result.Get<NumericMetric>("MRR@5").Diagnostics!.Single().Severity, Is.EqualTo(EvaluationDiagnosticSeverity.Error));
    }

    [Test]
    public async Task ReciprocalRank_IsCutAtK_AndNamedForIt()
    {
        // The relevant document is 4th: RR@3 = 0 (the metric says @3), RR@5 = 1/4.
        var sources = new RetrievedSourcesContext(["d1", "d2", "d3", "d4"]);
        var judgments = new RelevanceJudgmentsContext(new Dictionary<string, double> { ["d4"] = 1 });
        var at3 = await Evaluate.Response(new RetrievalEvaluator(k: 3), "answer", sources, judgments);
        var at5 = await Evaluate.Response(new RetrievalEvaluator(k: 5), "answer", sources, judgments);

        Assert.Multiple(() =>
        {
            Assert.That(new RetrievalEvaluator(k: 3).ReciprocalRankMetricName, Is.EqualTo("MRR@3"));
            Assert.That(at3.Get<NumericMetric>("MRR@3").Value, Is.EqualTo(0));
            Assert.That(at5.Get<NumericMetric>("MRR@5").Value, Is.EqualTo(0.25));
        });
    }
}

public class LatencyCostEvaluatorTests
{
    [Test]
    public async Task ReportsLatencyCostAndTokens()
    {
        var result = await Evaluate.Response(new LatencyCostEvaluator(), "x", new RunStatisticsContext(TimeSpan.FromMilliseconds(12.5), new UsageDetails { InputTokenCount = 30, OutputTokenCount = 5 }, 0.0042m));
        Assert.Multiple(() =>
        {
            Assert.That(result.Get<NumericMetric>(LatencyCostEvaluator.LatencyMetricName).Value, Is.EqualTo(12.5));
            Assert.That(result.Get<NumericMetric>(LatencyCostEvaluator.CostMetricName).Value, Is.EqualTo(0.0042).Within(1e-12));
            Assert.That(result.Get<NumericMetric>(LatencyCostEvaluator.TokensMetricName).Value, Is.EqualTo(35));
        });
    }
}
