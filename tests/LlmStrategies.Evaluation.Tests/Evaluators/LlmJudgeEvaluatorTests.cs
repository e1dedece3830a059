using LlmStrategies.Evaluation;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tests.Evaluation.Evaluators;

public class LlmJudgeEvaluatorTests
{
    private const string Rubric = "5: correct; 1: wrong";

    [Test]
    public async Task ParsesTheJudgesScoreAndReason()
    {
        var judge = TestChatClient.Answering("Sure! {\"score\": 4, \"reason\": \"mostly right\"}");
        var result = await Evaluate.Response(new LlmJudgeEvaluator(Rubric, judge), "Paris", new ExpectedOutputsContext(["Paris"]));

        var metric = result.Get<NumericMetric>("Judge Score");
        Assert.Multiple(() =>
        {
            Assert.That(metric.Value, Is.EqualTo(4));
            Assert.That(metric.Reason, Is.EqualTo("mostly right"));
            Assert.That(judge.Calls.Single().Last().Text, Does.Contain("REFERENCE ANSWER(S):\nParis"));
            Assert.That(judge.Calls.Single()[0].Text, Does.Contain(Rubric));
        });
    }

    [TestCase("I think it is good.", "did not answer with a JSON object")]
    [TestCase("{\"score\": \"high\"}", "no numeric 'score'")]
    [TestCase("{\"score\": 9}", "not an integer from 1 to 5")]
    [TestCase("{\"score\": 3.5}", "not an integer from 1 to 5")]
    [TestCase("{\"score\": 3,,}", "malformed")]
    public async Task Garbage_IsAnErrorNeverAZero(string verdict, string message)
    {
        var result = await Evaluate.Response(new LlmJudgeEvaluator(Rubric, TestChatClient.Answering(verdict)), "Paris");

        var metric = result.Get<NumericMetric>("Judge Score");
        Assert.Multiple(() =>
        {
            Assert.That(metric.Value, Is.Null);
            Assert.That(metric.Diagnostics!.Single().Severity, Is.EqualTo(EvaluationDiagnosticSeverity.Error));
            Assert.That(metric.Diagnostics!.Single().Message, Does.Contain(message));
        });
    }

    [Test]
    public async Task AFailingJudge_IsAnError()
    {
        var judge = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("503") };
        var result = await Evaluate.Response(new LlmJudgeEvaluator(Rubric, judge), "Paris");

        var metric = result.Get<NumericMetric>("Judge Score");
        Assert.That(metric.Value, Is.Null);
        Assert.That(metric.Diagnostics!.Single().Message, Does.Contain("HttpRequestException: 503"));
    }

    [Test]
    public async Task UsesTheChatConfiguration_WhenNoJudgeIsGiven()
    {
        var judge = TestChatClient.Answering("{\"score\": 5}");
        var result = await new LlmJudgeEvaluator(Rubric).EvaluateAsync([new ChatMessage(ChatRole.User, "q")], new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")), new ChatConfiguration(judge));
        Assert.That(result.Get<NumericMetric>("Judge Score").Value, Is.EqualTo(5));
    }
}
