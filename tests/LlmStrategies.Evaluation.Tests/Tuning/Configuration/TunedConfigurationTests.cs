using System.Text.RegularExpressions;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning.Configuration;

public class TunedConfigurationTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static async Task<(TuningResult Result, TunableStrategy Strategy, DatasetSplits Splits)> TuneAsync(Func<SearchPoint, DemonstrationSet?>? demonstrations = null)
    {
        var splits = Splits();
        var strategy = Strategy(SkillModel());
        var baseline = strategy.Space.Point(("skill", 3), ("style", "plain"));
        var candidates = strategy.Space.Grid().Select(p => demonstrations?.Invoke(p) is { } set ? p.WithDemonstrations(set) : p).ToArray();
        var result = await new StrategyTuner(Options(), Prices()).TuneAsync(strategy, baseline, TuningData.From(splits), candidates);
        return (result, strategy, splits);
    }

    [Test]
    public async Task ASavedConfiguration_LoadsIntoABuilder_WithTheTunedFingerprint()
    {
        var (result, strategy, _) = await TuneAsync();
        var path = _temp.File("tuned.json");
        result.ToConfiguration().Save(path);

        var loaded = TunedConfiguration.Load(path);
        var builder = new StrategyPipelineBuilder("deployed", strategy.ChatClient);
        strategy.Configure(builder, loaded.Point);
        var pipeline = builder.Build();

        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Fingerprint, Is.EqualTo(result.ChosenFingerprint));
            Assert.That(loaded.Fingerprint, Is.EqualTo(result.ChosenFingerprint));
            Assert.That(() => loaded.Verify(pipeline), Throws.Nothing);
            Assert.That(loaded.Build(strategy).Fingerprint, Is.EqualTo(result.ChosenFingerprint));
            Assert.That(loaded.Point, Is.EqualTo(result.Chosen));
            Assert.That(loaded.Space.IsSameAs(strategy.Space), Is.True);
            Assert.That(loaded.Configuration, Is.EqualTo(result.ChosenConfiguration));
            Assert.That(loaded.Metric, Is.EqualTo(SquadEvaluator.F1MetricName));
            Assert.That(loaded.Model, Is.EqualTo(Model));
            Assert.That(Directory.GetFiles(_temp.Path), Has.Length.EqualTo(1), "written atomically, no temporary file left");
        });
    }

    [Test]
    public async Task Demonstrations_RoundTrip()
    {
        var set = new DemonstrationSet([new FewShotExample { Id = "d1", Input = "question 1", Output = "answer 1", Label = "all" }, new FewShotExample { Id = "d2", Input = "question 2", Output = "answer 2" }]);
        var (result, _, _) = await TuneAsync(p => p.GetInt32("skill") == 9 ? set : null);
        var path = _temp.File("tuned.json");
        result.ToConfiguration().Save(path);

        var loaded = TunedConfiguration.Load(path);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Point.Demonstrations!.Id, Is.EqualTo(set.Id));
            Assert.That(loaded.Point.Demonstrations.Examples.Select(e => (e.Id, e.Input, e.Output)), Is.EqualTo(set.Examples.Select(e => (e.Id, e.Input, e.Output))));
            Assert.That(loaded.Point, Is.EqualTo(result.Chosen));
        });
    }

    [Test]
    public async Task TheDeployedConfiguration_PassesTheRegressionGateAgainstItsHoldOutEvaluation()
    {
        var (result, strategy, splits) = await TuneAsync();
        var holdOut = await result.EvaluateOnTestAsync(splits.Test);
        var baselinePath = _temp.File("gate-baseline.json");
        holdOut.GateBaseline.Save(baselinePath);
        var path = _temp.File("tuned.json");
        result.ToConfiguration().Save(path);

        var deployed = TunedConfiguration.Load(path).Build(strategy);
        var run = await new ExperimentRunner(prices: Prices()).RunAsync([new ExperimentStrategy(deployed, Model)], splits.Test, [new SquadEvaluator()]);
        var gate = RegressionGate.Evaluate(ExperimentReport.Load(baselinePath), ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = SquadEvaluator.F1MetricName }));

        Assert.That(gate.Passed, Is.True, gate.ToString());
    }

    [Test]
    public async Task AChangedComponent_IsCaught_NamingTheFirstDifference()
    {
        var (result, _, _) = await TuneAsync();
        var configuration = result.ToConfiguration();
        var changed = new TunableStrategy("skilled", SkillModel(), Space(), (b, p) => b.Configure(o =>
        {
            o.Instructions = $"skill={p.GetInt32("skill")}; style={p.GetString("style")}";
            o.MaxRepairAttempts = 0;
        }), Model);

        var ex = Assert.Throws<TunedConfigurationMismatchException>(() => configuration.Build(changed));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("max-repair-attempts=2' when tuned, 'max-repair-attempts=0' now"));
            Assert.That(ex.Expected, Is.EqualTo(result.ChosenFingerprint.Value));
            Assert.That(ex.Actual, Is.Not.EqualTo(ex.Expected));
        });
    }

    [Test]
    public async Task AnotherSearchSpace_IsRefused()
    {
        var (result, _, _) = await TuneAsync();

        Assert.That(() => result.ToConfiguration().Build(Strategy(SkillModel(), Space(1, 9))), Throws.ArgumentException.With.Message.Contains("not the one"));
    }

    [Test]
    public async Task CorruptForeignOrEditedFiles_FailLoudly()
    {
        var (result, _, _) = await TuneAsync();
        var json = result.ToConfiguration().ToJson();
        var set = new DemonstrationSet([new FewShotExample { Id = "d1", Input = "q", Output = "a" }]);
        var (withDemos, _, _) = await TuneAsync(p => set);
        var demoJson = withDemos.ToConfiguration().ToJson();

        string Write(string name, string text) => _temp.Write(name, text);
        var cases = new (string File, string Expected)[]
        {
            (Write("truncated.json", json[..(json.Length / 2)]), "not JSON"),
            (Write("report.json", """{"schema": "llmstrategies.experiment-report", "version": 1}"""), "its schema is 'llmstrategies.experiment-report'"),
            (Write("array.json", "[1, 2]"), "not an object"),
            (Write("future.json", json.Replace("\"version\": 1", "\"version\": 9", StringComparison.Ordinal)), "version 9"),
            (Write("fingerprint.json", Regex.Replace(json, "\"fingerprint\": \"[0-9a-f]{32}\"", "\"fingerprint\": \"00000000000000000000000000000000\"")), "not the hash of the stored configuration text"),
            (Write("badfingerprint.json", Regex.Replace(json, "\"fingerprint\": \"[0-9a-f]{32}\"", "\"fingerprint\": \"xyz\"")), "not a strategy fingerprint"),
            (Write("point.json", Regex.Replace(json, "\"skill\": 9", "\"skill\": 4")), "not in the stored search space"),
            (Write("extra.json", json.Replace("\"point\": {", "\"point\": {\"extra\": 1, ", StringComparison.Ordinal)), "'extra', which is not a parameter"),
            (Write("missing.json", json.Replace("\"metric\"", "\"metrik\"", StringComparison.Ordinal)), "truncated tuned configuration"),
            (Write("demos.json", demoJson.Replace("\"output\": \"a\"", "\"output\": \"b\"", StringComparison.Ordinal)), "were edited"),
        };

        Assert.Multiple(() =>
        {
            foreach (var (file, expected) in cases)
            {
                Assert.That(() => TunedConfiguration.Load(file), Throws.InstanceOf<TuningFileException>().With.Message.Contains(expected).And.Message.Contains(file), Path.GetFileName(file));
            }
        });
    }
}
