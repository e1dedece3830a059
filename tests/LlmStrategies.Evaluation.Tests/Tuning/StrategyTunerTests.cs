using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning;

public class StrategyTunerTests
{
    private static readonly EvaluationDataset Train = Items("train", 0, 40);
    private static readonly EvaluationDataset Dev = Items("dev", 100, 90);

    [Test]
    public async Task Grid_ScoresEveryCandidateOnDev_AndChoosesTheBest()
    {
        var model = SkillModel();
        var strategy = Strategy(model);
        var tuner = new StrategyTuner(Options(), Prices());

        var result = await tuner.TuneAsync(strategy, strategy.Space.Point(("skill", 3), ("style", "plain")), new TuningData(Train, Dev));

        Assert.Multiple(() =>
        {
            // 10 distinct candidates × 90 dev items; the default is one of them, so it costs nothing more.
            Assert.That(model.Calls, Has.Count.EqualTo(10 * 90));
            Assert.That(result.UncachedRuns, Is.EqualTo(10 * 90));
            Assert.That(result.Chosen.GetInt32("skill"), Is.EqualTo(9));
            Assert.That(result.Chosen.GetString("style"), Is.EqualTo("plain"), "ties go to the candidate listed first");
            Assert.That(result.ChosenDevMean, Is.EqualTo(0.9).Within(1e-12));
            Assert.That(result.BaselineDevMean, Is.EqualTo(0.3).Within(1e-12));
            Assert.That(result.Candidates, Has.Count.EqualTo(10));
            Assert.That(result.Candidates[0].Point, Is.EqualTo(result.Chosen));
            Assert.That(result.Candidates.Where(c => c.EliminatedInRound is null), Has.Exactly(1).Items);
            Assert.That(result.Rounds, Has.Count.EqualTo(1));
            Assert.That(result.Spent, Is.EqualTo(900 * ((100m * 1m) + (10m * 2m)) / 1_000_000m));
            Assert.That(model.Calls.Select(c => ItemNumber(c.Last().Text)).Distinct().All(i => i is >= 100 and < 190), Is.True, "only dev items are run");
        });
    }

    [Test]
    public async Task PointsThatBuildTheSameStrategy_AreScoredOnce()
    {
        var model = SkillModel();
        var space = new SearchSpace().Add("skill", 2, 6).Add("ignored", 1, 2, 3);
        var strategy = new TunableStrategy("s", model, space, (b, p) => b.Configure(o => o.Instructions = $"skill={p.GetInt32("skill")}"), Model);

        var result = await new StrategyTuner(Options()).TuneAsync(strategy, space.Point(("skill", 2), ("ignored", 1)), new TuningData(Train, Dev));

        Assert.Multiple(() =>
        {
            Assert.That(model.Calls, Has.Count.EqualTo(2 * 90));
            Assert.That(result.Candidates, Has.Count.EqualTo(2));
            Assert.That(result.Candidates.Select(c => c.Duplicates.Count), Is.All.EqualTo(2));
            Assert.That(result.Chosen.GetInt32("skill"), Is.EqualTo(6));
        });
    }

    [Test]
    public async Task SuccessiveHalving_ReachesTheGridsChoice_WithTheScheduledNumberOfCalls()
    {
        var space = Space(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var grid = SkillModel();
        var halving = SkillModel();
        var options = Options(SearchMethod.SuccessiveHalving);
        options.HalvingInitialItems = 10;
        options.HalvingFactor = 3;

        var full = await new StrategyTuner(Options()).TuneAsync(Strategy(grid, space), space.Point(("skill", 0), ("style", "plain")), new TuningData(Train, Dev));
        var halved = await new StrategyTuner(options).TuneAsync(Strategy(halving, space), space.Point(("skill", 0), ("style", "plain")), new TuningData(Train, Dev));

        // 20 candidates: 20 on 10 items, 7 on 30, 3 on 90 (all of dev); then the default on dev: it was a candidate
        // dropped after the first round, so its first 10 items come from the cache and 80 are new.
        var schedule = new[] { (20, 10), (7, 30), (3, 90) };
        Assert.Multiple(() =>
        {
            Assert.That(halved.Rounds.Select(r => (r.Candidates, r.Items)), Is.EqualTo(schedule));
            Assert.That(halving.Calls, Has.Count.EqualTo((20 * 10) + (7 * 20) + (3 * 60) + 80));
            Assert.That(halved.Rounds.Sum(r => r.CachedRuns), Is.EqualTo((7 * 10) + (3 * 30)), "items of earlier rounds come from the cache");
            Assert.That(grid.Calls, Has.Count.EqualTo(20 * 90));
            Assert.That(halved.ChosenFingerprint, Is.EqualTo(full.ChosenFingerprint));
            Assert.That(halved.ChosenDevMean, Is.EqualTo(full.ChosenDevMean));
        });
    }

    [Test]
    public async Task SuccessiveHalving_EstimateIsAnUpperBoundOfTheCallsMade()
    {
        var model = SkillModel();
        var options = Options(SearchMethod.SuccessiveHalving);
        options.HalvingInitialItems = 10;
        var tuner = new StrategyTuner(options, Prices());
        var strategy = Strategy(model, Space(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        var baseline = strategy.Space.Point(("skill", 0), ("style", "plain"));

        var estimate = await tuner.EstimateAsync(strategy, baseline, new TuningData(Train, Dev));
        await tuner.TuneAsync(strategy, baseline, new TuningData(Train, Dev));

        Assert.Multiple(() =>
        {
            Assert.That(estimate.IsUpperBound, Is.True);
            Assert.That(estimate.Calls, Is.GreaterThanOrEqualTo(model.Calls.Count));
            Assert.That(estimate.Calls, Is.EqualTo((20 * 10) + (7 * 20) + (3 * 60) + 90));
            Assert.That(estimate.Cost, Is.Not.Null);
        });
    }

    [Test]
    public async Task RandomSearch_DrawsDistinctSeededPoints()
    {
        var space = Space(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var options = Options(SearchMethod.Random);
        options.SampleSize = 6;
        options.Seed = 11;
        var first = await new StrategyTuner(options).TuneAsync(Strategy(SkillModel(), space), space.Point(("skill", 0), ("style", "plain")), new TuningData(Train, Dev));
        var second = await new StrategyTuner(options).TuneAsync(Strategy(SkillModel(), space), space.Point(("skill", 0), ("style", "plain")), new TuningData(Train, Dev));
        options.Seed = 12;
        var other = await new StrategyTuner(options).TuneAsync(Strategy(SkillModel(), space), space.Point(("skill", 0), ("style", "plain")), new TuningData(Train, Dev));

        var points = first.Candidates.Select(c => c.Point.Id).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(points, Has.Length.EqualTo(6).And.Unique);
            Assert.That(second.Candidates.Select(c => c.Point.Id), Is.EquivalentTo(points));
            Assert.That(other.Candidates.Select(c => c.Point.Id), Is.Not.EquivalentTo(points));
            Assert.That(first.ChosenDevMean, Is.EqualTo(first.Candidates.Max(c => c.Mean)));
        });
    }

    [Test]
    public void ABudgetTheEstimateExceeds_IsRefusedBeforeAnyCall()
    {
        var model = SkillModel();
        var options = Options();
        options.Budget = 0.01m; // the grid needs 900 calls at 0.00012 each
        var tuner = new StrategyTuner(options, Prices());
        var strategy = Strategy(model);

        var ex = Assert.ThrowsAsync<BudgetExceededException>(() => tuner.TuneAsync(strategy, strategy.Space.Point(("skill", 1), ("style", "plain")), new TuningData(Train, Dev)));

        Assert.Multiple(() =>
        {
            Assert.That(model.Calls, Is.Empty);
            Assert.That(ex!.Message, Does.Contain("Nothing was run"));
            Assert.That(tuner.Spent, Is.Zero);
        });
    }

    [Test]
    public void ABudgetWithoutPrices_FailsLoudly()
    {
        var options = Options();
        options.Budget = 1m;
        var strategy = Strategy(SkillModel());

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => new StrategyTuner(options).TuneAsync(strategy, strategy.Space.Point(("skill", 1), ("style", "plain")), new TuningData(Train, Dev)));

        Assert.That(ex!.Message, Does.Contain("cannot price"));
    }

    [Test]
    public async Task OneBudgetCoversTheWholeSession()
    {
        var options = Options();
        options.Budget = 0.2m; // one grid (0.108) fits, two do not
        options.EstimatedPromptOverheadTokens = 97; // "question N" is 3 tokens by the estimate's rule: 100 in, 10 out, as the model reports
        options.EstimatedOutputTokens = 10;
        var tuner = new StrategyTuner(options, Prices(), new MemoryResponseCacheForTests());
        var strategy = Strategy(SkillModel());
        var baseline = strategy.Space.Point(("skill", 1), ("style", "plain"));
        await tuner.TuneAsync(strategy, baseline, new TuningData(Train, Dev));

        var otherDev = Items("dev2", 400, 90);
        Assert.ThrowsAsync<BudgetExceededException>(() => tuner.TuneAsync(strategy, baseline, new TuningData(Train, otherDev)));
        Assert.That(tuner.Spent, Is.EqualTo(0.108m));
    }

    [Test]
    public void TheOptionsAreChecked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new StrategyTuner(new TuningOptions { Metric = "x" }), Throws.ArgumentException.With.Message.Contains("evaluator"));
            Assert.That(() => new StrategyTuner(new TuningOptions { Evaluators = { new SquadEvaluator() } }), Throws.ArgumentException.With.Message.Contains("Metric"));
            Assert.That(() => new StrategyTuner(new TuningOptions { Metric = "nope", Evaluators = { new SquadEvaluator() } }), Throws.ArgumentException.With.Message.Contains("No evaluator computes"));
            var random = Options(SearchMethod.Random);
            Assert.That(() => new StrategyTuner(random), Throws.ArgumentException.With.Message.Contains("SampleSize"));
            var halving = Options(SearchMethod.SuccessiveHalving);
            halving.HalvingFactor = 1;
            Assert.That(() => new StrategyTuner(halving), Throws.ArgumentException.With.Message.Contains("HalvingFactor"));
        });
    }

    [Test]
    public void APointOfAnotherSpace_IsRejected()
    {
        var strategy = Strategy(SkillModel());
        var foreign = new SearchSpace().Add("skill", 1).Point(("skill", 1));

        Assert.That(() => new StrategyTuner(Options()).TuneAsync(strategy, foreign, new TuningData(Train, Dev)), Throws.ArgumentException.With.Message.Contains("does not belong"));
    }

    /// <summary>A cache the test can share between tuners (the tuner's own in-memory cache is per instance).</summary>
    private sealed class MemoryResponseCacheForTests : IResponseCache
    {
        private readonly Dictionary<string, RecordedResponse> _entries = [];

        public ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            lock (_entries)
            {
                return ValueTask.FromResult(_entries.GetValueOrDefault(key));
            }
        }

        public ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default)
        {
            lock (_entries)
            {
                _entries[key] = response;
            }

            return ValueTask.CompletedTask;
        }
    }
}
