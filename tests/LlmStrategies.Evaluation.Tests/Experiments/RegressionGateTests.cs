using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tests.Experiments;

public class RegressionGateTests
{
    private static async Task<ExperimentReport> ReportAsync(TestStrategy strategy, int items = 60, params IEvaluator[] evaluators)
    {
        var run = await new ExperimentRunner().RunAsync([new ExperimentStrategy(strategy)], ExperimentRunnerTests.Questions(items), evaluators.Length > 0 ? evaluators : [new ContainsEvaluator()]);
        return ExperimentReport.Create(run, new ReportOptions { Resamples = 500 });
    }

    private static TestStrategy RightUnless(Func<int, bool> wrong) => new("s", r => wrong(int.Parse(r.Question[9..], System.Globalization.CultureInfo.InvariantCulture)) ? "no" : $"answer {r.Question[9..]}");

    [Test]
    public async Task SameQuality_Passes()
    {
        var baseline = await ReportAsync(RightUnless(i => i % 4 == 0));
        var candidate = await ReportAsync(RightUnless(i => i % 4 == 0));
        var result = RegressionGate.Evaluate(baseline, candidate);
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public async Task ASignificantDropBeyondTolerance_Fails()
    {
        var baseline = await ReportAsync(RightUnless(_ => false));
        var candidate = await ReportAsync(RightUnless(i => i % 3 == 0)); // 20 of 60 now wrong: McNemar exact p = 2 / 2^20

        var result = RegressionGate.Evaluate(baseline, candidate);

        var finding = result.Findings.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Passed, Is.False);
            Assert.That(finding.BaselineMean, Is.EqualTo(1));
            Assert.That(finding.CandidateMean, Is.EqualTo(40.0 / 60).Within(1e-12));
            Assert.That(finding.PValue, Is.LessThan(1e-5));
            Assert.That(finding.Message, Does.Contain("significant drop beyond the tolerance"));
        });
    }

    [Test]
    public async Task ADropThatIsNotSignificant_OrWithinTolerance_Passes()
    {
        var baseline = await ReportAsync(RightUnless(_ => false));
        var oneWorse = await ReportAsync(RightUnless(i => i == 7)); // 1 discordant pair: p = 1
        Assert.That(RegressionGate.Evaluate(baseline, oneWorse).Passed, Is.True);

        var tolerant = new RegressionGateOptions { Tolerance = 0.5 };
        var muchWorse = await ReportAsync(RightUnless(i => i % 3 == 0));
        Assert.That(RegressionGate.Evaluate(baseline, muchWorse, tolerant).Passed, Is.True, "a drop of 0.33 is within a tolerance of 0.5");
    }

    [Test]
    public async Task EvaluationErrors_FailTheGate()
    {
        var baseline = await ReportAsync(RightUnless(_ => false));
        var candidate = await ReportAsync(RightUnless(_ => false), 60, new ContainsEvaluator(), new LlmJudgeEvaluator("5 good, 1 bad", TestChatClient.Answering("not json")));

        var result = RegressionGate.Evaluate(baseline, candidate);

        Assert.Multiple(() =>
        {
            Assert.That(result.Passed, Is.False);
            Assert.That(result.Findings[0].Message, Does.Contain("60 evaluation error(s)").And.Contain("Judge Score"));
        });
    }

    [Test]
    public async Task AMissingStrategy_FailsTheGate()
    {
        var baseline = await ReportAsync(RightUnless(_ => false));
        var other = await ReportAsync(new TestStrategy("renamed", r => "x"));
        Assert.That(RegressionGate.Evaluate(baseline, other).Findings, Has.Some.Matches<GateFinding>(f => f.Failed && f.Message.Contains("not in the candidate", StringComparison.Ordinal)));
    }
}
