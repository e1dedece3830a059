using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning;

public class TuningResultTests
{
    private static async Task<(TuningResult Result, TestChatClient Model, DatasetSplits Splits)> TuneAsync()
    {
        var splits = Splits();
        var model = SkillModel();
        var strategy = Strategy(model);
        var result = await new StrategyTuner(Options(), Prices()).TuneAsync(strategy, strategy.Space.Point(("skill", 5), ("style", "plain")), TuningData.From(splits));
        return (result, model, splits);
    }

    [Test]
    public async Task TheTestSplitIsEvaluatedOnce_AfterTheChoice_WithPairedStatistics()
    {
        var (result, model, splits) = await TuneAsync();
        var tuningCalls = model.Calls.Count;
        var testNumbers = splits.Test.Items.Select(i => ItemNumber(i.Input)).ToHashSet();
        var askedDuringTuning = model.Calls.Take(tuningCalls).Select(c => ItemNumber(c.Last().Text)).ToHashSet();
        var reference = new TestStrategy("always right", r => "answer " + r.Question[9..]);

        var holdOut = await result.EvaluateOnTestAsync(splits.Test, [new ExperimentStrategy(reference, Model)]);
        var report = holdOut.Report;
        var expectedTuned = splits.Test.Items.Average(i => Residue(ItemNumber(i.Input)) < 9 ? 1.0 : 0.0);
        var expectedDefault = splits.Test.Items.Average(i => Residue(ItemNumber(i.Input)) < 5 ? 1.0 : 0.0);

        Assert.Multiple(() =>
        {
            Assert.That(askedDuringTuning.Overlaps(testNumbers), Is.False, "the tuner never ran a test item");
            Assert.That(result.TestEvaluated, Is.True);
            Assert.That(report.Chosen.Point["skill"], Is.EqualTo("9"));
            Assert.That(report.Chosen.Test.Mean, Is.EqualTo(expectedTuned).Within(1e-12));
            Assert.That(report.Baseline.Test.Mean, Is.EqualTo(expectedDefault).Within(1e-12));
            Assert.That(report.Chosen.Selection.Mean, Is.EqualTo(result.ChosenDevMean).Within(1e-12));
            Assert.That(report.TestGain.Difference, Is.EqualTo(expectedTuned - expectedDefault).Within(1e-12));
            Assert.That(report.TestGain.Significant, Is.True);
            Assert.That(report.TestGain.Lower, Is.LessThanOrEqualTo(report.TestGain.Difference));
            Assert.That(report.TestGain.Upper, Is.GreaterThanOrEqualTo(report.TestGain.Difference));
            Assert.That(report.WinnersCurse, Is.EqualTo(report.SelectionGain.Difference - report.TestGain.Difference).Within(1e-12));
            Assert.That(report.ChosenDrop, Is.EqualTo(report.Chosen.Selection.Mean - report.Chosen.Test.Mean).Within(1e-12));
            Assert.That(report.References.Single().Name, Is.EqualTo("always right"));
            Assert.That(report.References.Single().ChosenMinusReference.Difference, Is.EqualTo(expectedTuned - 1).Within(1e-12));
            Assert.That(report.Test.Items, Is.EqualTo(splits.Test.Items.Count));
            Assert.That(report.Verdict[1], Does.Contain("significantly better"));
            Assert.That(holdOut.TestReport.Strategies.Select(s => s.Strategy.Name), Is.EqualTo(new[] { "skilled", "skilled (untuned default)", "always right" }));
            Assert.That(holdOut.GateBaseline.Strategies.Select(s => s.Strategy.Name), Is.EqualTo(new[] { "skilled" }));
        });
    }

    [Test]
    public async Task ASecondLookAtTheTestSplit_IsRefused()
    {
        var (result, _, splits) = await TuneAsync();
        await result.EvaluateOnTestAsync(splits.Test);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => result.EvaluateOnTestAsync(splits.Test));
        Assert.That(ex!.Message, Does.Contain("already evaluated once"));
    }

    [Test]
    public async Task ItemsTheTunerSaw_OrItemsOutsideTheManifestsTestSplit_AreRefused_WithoutUsingTheOneLook()
    {
        var (result, _, splits) = await TuneAsync();
        var foreign = Items("elsewhere", 1_000, 20);

        Assert.Multiple(() =>
        {
            Assert.That(() => result.EvaluateOnTestAsync(splits.Dev), Throws.ArgumentException.With.Message.Contains("was in the tuning data"));
            Assert.That(() => result.EvaluateOnTestAsync(foreign), Throws.ArgumentException.With.Message.Contains("not in the test split of the manifest"));
            Assert.That(result.TestEvaluated, Is.False);
        });

        Assert.That(await result.EvaluateOnTestAsync(splits.Test), Is.Not.Null);
    }

    [Test]
    public async Task ASeededSampleOfTheTestSplit_IsAccepted()
    {
        var (result, _, splits) = await TuneAsync();
        var sample = splits.Test.Subset("test sample", splits.Test.Items.Where((_, i) => i % 2 == 0).Select(i => i.Id));

        var holdOut = await result.EvaluateOnTestAsync(sample);

        Assert.That(holdOut.Report.Test.Items, Is.EqualTo(sample.Items.Count));
    }

    [Test]
    public async Task ADemonstrationThatRepeatsATestQuestion_IsRefused()
    {
        var splits = Splits();
        var model = SkillModel();
        var strategy = Strategy(model);
        var leaking = new DemonstrationSet([new FewShotExample { Id = "t", Input = splits.Test.Items[0].Input, Output = "x" }]);
        var point = strategy.Space.Point(("skill", 9), ("style", "plain")).WithDemonstrations(leaking);
        var result = await new StrategyTuner(Options()).TuneAsync(strategy, point, TuningData.From(splits), [point]);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => result.EvaluateOnTestAsync(splits.Test));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("repeats test item"));
            Assert.That(result.TestEvaluated, Is.False);
        });
    }

    [Test]
    public async Task TheConfigurationCarriesTheChoice()
    {
        var (result, _, splits) = await TuneAsync();

        var configuration = result.ToConfiguration(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)));

        Assert.Multiple(() =>
        {
            Assert.That(configuration.Point, Is.EqualTo(result.Chosen));
            Assert.That(configuration.Fingerprint, Is.EqualTo(result.ChosenFingerprint));
            Assert.That(configuration.SelectionScore, Is.EqualTo(result.ChosenDevMean));
            Assert.That(configuration.SelectionItems, Is.EqualTo(splits.Dev.Items.Count));
            Assert.That(configuration.DevFingerprint, Is.EqualTo(splits.Dev.Fingerprint));
            Assert.That(configuration.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)));
        });
    }
}
