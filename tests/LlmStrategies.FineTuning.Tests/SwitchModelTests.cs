using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using LlmStrategies.Tuning;

namespace LlmStrategies.Tests.FineTuning;

/// <summary>"Switch model" as an alternative to fine-tuning: another model's best strategy needs no training.</summary>
public class SwitchModelTests
{
    // 1.00 per million tokens of every kind: a 2,000 + 100 token call costs 0.0021, a 300 + 100 token call 0.0004.
    private static readonly ModelPrice Flat = new(1m, 1m, 1m);

    private static double[] Scores(int ones, int zeros) => [.. Enumerable.Repeat(1.0, ones), .. Enumerable.Repeat(0.0, zeros)];

    /// <summary>The fine-tune is significantly better than RAG on the old model (180 vs 100 of 200), so without alternatives it is a GO.</summary>
    private static FineTuningAdvisorInput Input(double callsPerMonth, params MeasuredStrategy[] alternatives) => new()
    {
        FineTuned = new MeasuredStrategy("ft", Scores(180, 20), new TokensPerCall(300, 100), Flat),
        Baseline = new MeasuredStrategy("rag", Scores(100, 100), new TokensPerCall(2_000, 100), Flat),
        SwitchModelAlternatives = alternatives,
        TrainingCost = 5_000m,
        ExpectedCallsPerMonth = callsPerMonth,
        HorizonMonths = 12,
        BaseModelLifetimeMonths = 12,
    };

    [Test]
    public void AnotherModelAsGoodAndCheaper_TurnsAGoIntoSwitchInstead()
    {
        // 10 calls/month × 12: the fine-tune costs 5,000 + 120 × 0.0004; the new model's simple prompt 120 × 0.0021 = 0.252.
        var newModel = new MeasuredStrategy("simple @ new", Scores(180, 20), new TokensPerCall(2_000, 100), Flat);

        var withoutAlternative = FineTuningAdvisor.Decide(Input(10));
        var decision = FineTuningAdvisor.Decide(Input(10, newModel));

        Assert.Multiple(() =>
        {
            Assert.That(withoutAlternative.Go, Is.True, "the fine-tune beats the old model's best strategy");
            Assert.That(withoutAlternative.SwitchTo, Is.Null);
            Assert.That(decision.Go, Is.False);
            Assert.That(decision.SwitchTo, Is.EqualTo("simple @ new"));
            Assert.That(decision.Reasons[^1].Code, Is.EqualTo(FineTuningReason.SwitchModelInstead));
            Assert.That(decision.Reasons[^1].FavoursFineTuning, Is.False);
            Assert.That(decision.Explanation, Does.StartWith("NO-GO: switch to 'simple @ new' instead of fine-tuning, because it is not significantly worse than 'ft' and costs 4,999.80 less over 12 months, with no training."));
        });
    }

    [Test]
    public void AnotherModelThatIsSignificantlyWorse_LeavesTheGo()
    {
        var weaker = new MeasuredStrategy("simple @ small", Scores(100, 100), new TokensPerCall(2_000, 100), Flat);

        var decision = FineTuningAdvisor.Decide(Input(10, weaker));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Go, Is.True);
            Assert.That(decision.SwitchTo, Is.Null);
            var reason = decision.Reasons.Single(r => r.Code == FineTuningReason.SwitchModelConsidered);
            Assert.That(reason.Message, Does.StartWith("Switching model instead: 'simple @ small' is significantly worse than the fine-tune"));
        });
    }

    [Test]
    public void AnotherModelAsGoodButDearer_LeavesTheGo()
    {
        // 10M calls/month × 12: the fine-tune costs 5,000 + 120M × 0.0004 = 53,000; the expensive model 120M × 0.021.
        var dearer = new MeasuredStrategy("simple @ large", Scores(180, 20), new TokensPerCall(2_000, 100), new ModelPrice(10m, 10m, 10m));

        var decision = FineTuningAdvisor.Decide(Input(10_000_000, dearer));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Go, Is.True);
            Assert.That(decision.SwitchTo, Is.Null);
            Assert.That(decision.Reasons.Single(r => r.Code == FineTuningReason.SwitchModelConsidered).Message, Does.Contain("is as good as the fine-tune").And.Contain("but costs 2,520,000.00 over 12 months vs 53,000.00 fine-tuned"));
        });
    }

    [Test]
    public void OfSeveralAlternatives_TheCheapestAsGoodOneIsChosen()
    {
        var cheap = new MeasuredStrategy("simple @ cheap", Scores(180, 20), new TokensPerCall(1_000, 100), Flat);
        var cheaper = new MeasuredStrategy("simple @ cheaper", Scores(179, 21), new TokensPerCall(500, 100), Flat);

        var decision = FineTuningAdvisor.Decide(Input(10, cheap, cheaper));

        Assert.Multiple(() =>
        {
            Assert.That(decision.SwitchTo, Is.EqualTo("simple @ cheaper"));
            Assert.That(decision.Reasons.Single(r => r.Code == FineTuningReason.SwitchModelConsidered).Message, Does.EndWith("'simple @ cheaper' costs less still."));
        });
    }

    [Test]
    public void AnUnpairedAlternative_IsRefusedWithItsPosition()
    {
        var unpaired = new MeasuredStrategy("simple @ new", Scores(10, 10), new TokensPerCall(2_000, 100), Flat);

        Assert.That(() => FineTuningAdvisor.Decide(Input(10, unpaired)), Throws.ArgumentException.With.Message.Contains("SwitchModelAlternatives[0] 'simple @ new' has 20"));
    }

    [Test]
    public void BestPerModel_TakesEachOtherModelsBestCellWithItsTokensAndPrice()
    {
        var grid = Grid(
            Cell("simple", "old", [1, 0, 0, 0], input: 100),
            Cell("elaborate", "old", [1, 1, 0, 0], input: 900),
            Cell("simple", "new", [1, 1, 1, 0], input: 120),
            Cell("elaborate", "new", [1, 1, 1, 0], input: 950));

        var alternatives = MeasuredStrategy.BestPerModel(grid, "old");

        Assert.Multiple(() =>
        {
            Assert.That(alternatives, Has.Count.EqualTo(1));
            Assert.That(alternatives[0].Name, Is.EqualTo("simple @ new"), "equal means: the cheaper per call wins");
            Assert.That(alternatives[0].Scores, Is.EqualTo(new[] { 1.0, 1, 1, 0 }));
            Assert.That(alternatives[0].TokensPerCall, Is.EqualTo(new TokensPerCall(120, 5, 0)));
            Assert.That(alternatives[0].Prices, Is.EqualTo(new ModelPrice(2m, 2m, 2m)));
        });
    }

    [Test]
    public void FromGridCell_RefusesAnUnscoredItemByItsId()
    {
        var grid = Grid(Cell("simple", "new", [1, null, 1, 0], input: 120));

        Assert.That(() => MeasuredStrategy.FromGridCell(grid, grid.Cells[0]), Throws.ArgumentException.With.Message.Contains("Item 'q2' of 'simple @ new' has no score"));
    }

    private static GridCellReport Cell(string strategy, string model, double?[] scores, double input) => new()
    {
        Strategy = strategy,
        Model = model,
        Fingerprint = strategy + model,
        Score = new ScoreSummary { Mean = scores.Average(s => s ?? 0), Items = scores.Length },
        Scores = scores,
        InputTokensPerCall = input,
        OutputTokensPerCall = 5,
        CostPerCall = (decimal)(input + 5) * (model == "new" ? 2m : 1m) / 1_000_000m,
    };

    private static ModelStrategyGridReport Grid(params GridCellReport[] cells) => new()
    {
        Name = "grid",
        Dataset = new SplitSummary { Name = "test", Items = 4, Fingerprint = "f" },
        Metric = "exact-match",
        Settings = new TuningReportSettings(),
        Models =
        [
            new GridModelSummary { Name = "old", PriceKey = "old", Price = new ModelPrice(1m, 1m, 1m) },
            new GridModelSummary { Name = "new", PriceKey = "new", Price = new ModelPrice(2m, 2m, 2m) },
        ],
        Strategies = ["simple", "elaborate"],
        ItemIds = ["q1", "q2", "q3", "q4"],
        Cells = cells,
    };
}
