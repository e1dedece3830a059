using System.Globalization;
using System.Text.RegularExpressions;
using LlmStrategies.Evaluation;
using LlmStrategies.FewShot;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning.Demonstrations;

public partial class DemonstrationBootstrapperTests
{
    /// <summary>
    /// Train: a question that repeats dev item 1000 first, then items 0..39. Dev: items 1000..1059 ("question 10" and
    /// "question 1000" are below the guard's 0.9 trigram similarity; "question 10" and "question 100" would not be).
    /// </summary>
    private static TuningData Data()
    {
        var duplicate = new EvaluationItem { Id = "dup", Input = "Question 1000?", ExpectedOutputs = ["answer 1000"] };
        var train = new EvaluationDataset("train", [duplicate, .. Items("train", 0, 40).Items]);
        return new TuningData(train, Items("dev", 1_000, 60));
    }

    /// <summary>Answers item i right when (7i mod 10) &lt; skill, or whenever the prompt shows at least two demonstrations.</summary>
    private static TestChatClient Model() => new()
    {
        GetResponseAsyncCallback = (messages, _, _) =>
        {
            var skill = messages.Select(m => Skill().Match(m.Text)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).First();
            var item = ItemNumber(messages.Last(m => m.Role == ChatRole.User).Text.ToLowerInvariant());
            var demonstrations = messages.Count(m => m.Role == ChatRole.Assistant);
            var right = demonstrations >= 2 || Residue(item) < skill;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, right ? $"answer {item}" : "no idea")));
        },
    };

    private static TunableStrategy Student(TestChatClient model) => new(
        "student",
        model,
        new SearchSpace().Add("skill", 0, 5),
        (b, p) =>
        {
            b.Configure(o => o.Instructions = $"skill={p.GetInt32("skill")}");
            if (p.Demonstrations is { } set)
            {
                b.UseFewShot(new FixedFewShotSelector(set.Examples), set.Examples.Count);
            }
        },
        TuningFixtures.Model);

    [Test]
    public async Task AcceptedAnswersBecomeDemonstrations_LeaksAreLeftOut_AndTheBestSetIsChosenOnDev()
    {
        var model = Model();
        var strategy = Student(model);
        var data = Data();
        var tuner = new StrategyTuner(Options());
        var bootstrapper = new DemonstrationBootstrapper(tuner, new DemonstrationBootstrapOptions { DemonstrationsPerSet = 2, CandidateSets = 4 });
        var teacher = strategy.Space.Point(("skill", 5));

        var boot = await bootstrapper.BootstrapAsync(strategy, teacher, data);
        var teacherCalls = model.Calls.Count;
        var student = strategy.Space.Point(("skill", 0));
        var result = await tuner.TuneAsync(strategy, student, data, boot.Candidates(student));

        var accepted = Enumerable.Range(0, 40).Where(i => Residue(i) < 5).Select(i => $"q{i}").Prepend("dup").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(teacherCalls, Is.EqualTo(41), "the teacher ran on every train item once");
            Assert.That(boot.Attempted, Is.EqualTo(41));
            Assert.That(boot.Pool.Select(e => e.Id), Is.EqualTo(accepted));
            Assert.That(boot.Pool.Where(e => e.Id != "dup").All(e => e.Output == "answer " + e.Input[9..]), Is.True, "a demonstration's output is the teacher's answer");
            Assert.That(boot.Pool.All(e => e.Tags.Contains("bootstrapped")), Is.True);
            Assert.That(boot.BlockedAsLeaks, Is.EqualTo(1));
            Assert.That(boot.Sets.SelectMany(s => s.Examples).Select(e => e.Id), Does.Not.Contain("dup"));
            Assert.That(boot.Sets[0].Examples.Select(e => e.Id), Is.EqualTo(accepted.Skip(1).Take(2)), "the first set is the first accepted demonstrations in train order");
            Assert.That(boot.Sets, Has.Count.InRange(2, 4));
            Assert.That(boot.Sets.All(s => s.Examples.Count == 2), Is.True);
            Assert.That(result.Chosen.Demonstrations, Is.Not.Null);
            Assert.That(result.Chosen.Demonstrations!.Id, Is.EqualTo(boot.Sets[0].Id), "every set scores 1 on dev; the first listed wins the tie");
            Assert.That(result.ChosenDevMean, Is.EqualTo(1.0));
            Assert.That(result.BaselineDevMean, Is.Zero);
        });
    }

    [Test]
    public async Task TheTeacherRunsOnASeededSampleOfTrain_WhenAsked()
    {
        var model = Model();
        var strategy = Student(model);
        var tuner = new StrategyTuner(Options());
        var options = new DemonstrationBootstrapOptions { MaxTrainItems = 10 };

        var estimate = await new DemonstrationBootstrapper(tuner, options).EstimateAsync(strategy, strategy.Space.Point(("skill", 5)), Data());
        var first = await new DemonstrationBootstrapper(tuner, options).BootstrapAsync(strategy, strategy.Space.Point(("skill", 5)), Data());
        var again = await new DemonstrationBootstrapper(new StrategyTuner(Options()), options).BootstrapAsync(strategy, strategy.Space.Point(("skill", 5)), Data());

        Assert.Multiple(() =>
        {
            Assert.That(estimate.Calls, Is.EqualTo(10));
            Assert.That(first.Attempted, Is.EqualTo(10));
            Assert.That(model.Calls, Has.Count.EqualTo(20));
            Assert.That(again.Pool.Select(e => e.Id), Is.EqualTo(first.Pool.Select(e => e.Id)));
        });
    }

    [Test]
    public async Task WhenNothingIsAccepted_ThereAreNoSets()
    {
        var strategy = Student(Model());
        var boot = await new DemonstrationBootstrapper(new StrategyTuner(Options()), new DemonstrationBootstrapOptions { AcceptAtOrAbove = 2 })
            .BootstrapAsync(strategy, strategy.Space.Point(("skill", 5)), Data());

        Assert.Multiple(() =>
        {
            Assert.That(boot.Pool, Is.Empty);
            Assert.That(boot.Sets, Is.Empty);
            Assert.That(boot.Candidates(strategy.Space.Point(("skill", 0))), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void BadOptions_AreRejected()
    {
        var tuner = new StrategyTuner(Options());

        Assert.Multiple(() =>
        {
            Assert.That(() => new DemonstrationBootstrapper(tuner, new DemonstrationBootstrapOptions { DemonstrationsPerSet = 0 }), Throws.ArgumentException);
            Assert.That(() => new DemonstrationBootstrapper(tuner, new DemonstrationBootstrapOptions { LeakageThreshold = 0 }), Throws.ArgumentException);
        });
    }

    [GeneratedRegex(@"skill=(\d+)")]
    private static partial Regex Skill();
}
