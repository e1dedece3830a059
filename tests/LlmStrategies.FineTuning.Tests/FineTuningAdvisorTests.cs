using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;

namespace LlmStrategies.Tests.FineTuning;

public class FineTuningAdvisorTests
{
    // 1.00 per million tokens of every kind makes per-call costs easy to check by hand.
    private static readonly ModelPrice Flat = new(1m, 1m, 1m);

    private static double[] Scores(int ones, int zeros) => [.. Enumerable.Repeat(1.0, ones), .. Enumerable.Repeat(0.0, zeros)];

    private static FineTuningAdvisorInput Input(double[] fineTuned, double[] baseline, double callsPerMonth = 100_000, double lifetime = 12, decimal trainingCost = 50m, decimal overhead = 0m) => new()
    {
        // Baseline RAG prompt 2,000 + 100 tokens = 0.0021 per call; fine-tuned prompt 300 + 100 = 0.0004 per call.
        FineTuned = new MeasuredStrategy("ft", fineTuned, new TokensPerCall(300, 100), Flat),
        Baseline = new MeasuredStrategy("rag", baseline, new TokensPerCall(2_000, 100), Flat),
        TrainingCost = trainingCost,
        OverheadPerTrainingRun = overhead,
        ExpectedCallsPerMonth = callsPerMonth,
        HorizonMonths = 12,
        BaseModelLifetimeMonths = lifetime,
    };

    [Test]
    public void SignificantlyWorse_IsNoGo_WhateverItSaves()
    {
        var decision = FineTuningAdvisor.Decide(Input(fineTuned: Scores(50, 150), baseline: Scores(150, 50), callsPerMonth: 10_000_000));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Go, Is.False);
            Assert.That(decision.Quality, Is.EqualTo(QualityVerdict.Worse));
            Assert.That(decision.QualityGain.Upper, Is.LessThan(0));
            Assert.That(decision.NetSavingOverHorizon, Is.GreaterThan(0m), "it would save money, and is still refused");
            Assert.That(decision.Reasons[0].Code, Is.EqualTo(FineTuningReason.QualityWorse));
            Assert.That(decision.Explanation, Does.StartWith("NO-GO: keep 'rag', because the fine-tuned model's quality is significantly worse."));
        });
    }

    [Test]
    public void SignificantlyBetter_IsGo_EvenWhenItCostsMore()
    {
        var input = Input(fineTuned: Scores(180, 20), baseline: Scores(100, 100), callsPerMonth: 10, trainingCost: 5_000m);

        var decision = FineTuningAdvisor.Decide(input);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Go, Is.True);
            Assert.That(decision.Quality, Is.EqualTo(QualityVerdict.Better));
            Assert.That(decision.NetSavingOverHorizon, Is.LessThan(0m));
            Assert.That(decision.Reasons.Select(r => r.Code), Is.EqualTo(new[] { FineTuningReason.QualityBetter, FineTuningReason.CheaperPerCall, FineTuningReason.Retraining, FineTuningReason.BreakEven, FineTuningReason.DoesNotPayOff }));
            Assert.That(decision.Explanation, Does.StartWith("GO: fine-tune ('ft' instead of 'rag'), because its quality is significantly better."));
        });
    }

    [Test]
    public void QualityGain_IsThePairedBootstrapOfTheScores()
    {
        var random = new Random(3);
        var fineTuned = Enumerable.Range(0, 120).Select(_ => random.NextDouble()).ToArray();
        var baseline = Enumerable.Range(0, 120).Select(_ => random.NextDouble()).ToArray();

        var decision = FineTuningAdvisor.Decide(Input(fineTuned, baseline));

        Assert.Multiple(() =>
        {
            Assert.That(decision.QualityGain, Is.EqualTo(Bootstrap.PairedDifference(fineTuned, baseline, seed: 1)));
            Assert.That(decision.FineTunedMeanScore, Is.EqualTo(fineTuned.Average()));
            Assert.That(decision.BaselineMeanScore, Is.EqualTo(baseline.Average()));
            Assert.That(decision.ItemCount, Is.EqualTo(120));
        });
    }

    [Test]
    public void Indistinguishable_GoesOnlyWhenItPaysOff_AndTheFiguresAddUp()
    {
        var same = Scores(120, 80);

        // Per call 0.0021 vs 0.0004: saving 0.0017. One run costs 50, so 50 / 0.0017 = 29,411.76 calls break even.
        var busy = FineTuningAdvisor.Decide(Input(same, same, callsPerMonth: 100_000));
        var quiet = FineTuningAdvisor.Decide(Input(same, same, callsPerMonth: 2_000));

        Assert.Multiple(() =>
        {
            Assert.That(busy.Quality, Is.EqualTo(QualityVerdict.Indistinguishable));
            Assert.That(busy.BaselineCostPerCall, Is.EqualTo(0.0021m));
            Assert.That(busy.FineTunedCostPerCall, Is.EqualTo(0.0004m));
            Assert.That(busy.SavingPerCall, Is.EqualTo(0.0017m));
            Assert.That(busy.BreakEvenCalls, Is.EqualTo(29_411.76).Within(0.01));
            Assert.That(busy.BreakEvenCallsPerMonth, Is.EqualTo(2_450.98).Within(0.01));
            Assert.That(busy.CallsOverHorizon, Is.EqualTo(1_200_000));
            Assert.That(busy.BaselineTotalCost, Is.EqualTo(2_520m));
            Assert.That(busy.FineTunedTotalCost, Is.EqualTo(530m));
            Assert.That(busy.NetSavingOverHorizon, Is.EqualTo(1_990m));
            Assert.That(busy.Go, Is.True);
            Assert.That(busy.Reasons[^1].Code, Is.EqualTo(FineTuningReason.PaysOff));

            Assert.That(quiet.Go, Is.False, "2,000 calls/month is below the 2,451 needed");
            Assert.That(quiet.Reasons[^1].Code, Is.EqualTo(FineTuningReason.DoesNotPayOff));
            Assert.That(quiet.Explanation, Does.StartWith("NO-GO: keep 'rag', because the fine-tuned model is not significantly better and does not pay for itself"));
        });
    }

    [Test]
    public void BaseModelChanges_ForceRetraining_WhichCanTurnTheDecision()
    {
        var same = Scores(120, 80);

        // 3,000 calls/month × 12 × 0.0017 = 61.2 saved: enough for one run of 50, not for two (6-month lifetime).
        var stable = FineTuningAdvisor.Decide(Input(same, same, callsPerMonth: 3_000, lifetime: 12));
        var churning = FineTuningAdvisor.Decide(Input(same, same, callsPerMonth: 3_000, lifetime: 6));
        var never = FineTuningAdvisor.Decide(Input(same, same, callsPerMonth: 3_000, lifetime: double.PositiveInfinity));

        Assert.Multiple(() =>
        {
            Assert.That(stable.TrainingRuns, Is.EqualTo(1));
            Assert.That(stable.Go, Is.True);
            Assert.That(churning.TrainingRuns, Is.EqualTo(2));
            Assert.That(churning.Go, Is.False);
            Assert.That(churning.Reasons.Single(r => r.Code == FineTuningReason.Retraining).Message, Does.Contain("every 6 months, so 2 run(s) in 12 months (100.00)"));
            Assert.That(never.TrainingRuns, Is.EqualTo(1));
            Assert.That(never.Reasons.Single(r => r.Code == FineTuningReason.Retraining).Message, Does.Contain("never to change"));
        });
    }

    [Test]
    public void OverheadAndHosting_CountAsFixedCosts()
    {
        var same = Scores(120, 80);
        var input = Input(same, same, callsPerMonth: 100_000, overhead: 150m);

        var decision = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            FineTuned = input.FineTuned,
            Baseline = input.Baseline,
            TrainingCost = input.TrainingCost,
            OverheadPerTrainingRun = input.OverheadPerTrainingRun,
            ExpectedCallsPerMonth = input.ExpectedCallsPerMonth,
            MonthlyHostingCost = 10m,
        });

        Assert.Multiple(() =>
        {
            Assert.That(decision.CostPerTrainingRun, Is.EqualTo(200m));
            Assert.That(decision.FineTunedTotalCost, Is.EqualTo(200m + 120m + 480m));
            Assert.That(decision.BreakEvenCallsPerMonth, Is.EqualTo((200 + 120) / (0.0017 * 12)).Within(1e-6));
        });
    }

    [Test]
    public void NoPerCallSaving_NeverBreaksEven()
    {
        var same = Scores(120, 80);
        var input = Input(same, same);
        var decision = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            FineTuned = input.FineTuned with { TokensPerCall = new TokensPerCall(2_000, 100), Prices = new ModelPrice(2m, 2m, 2m) },
            Baseline = input.Baseline,
            TrainingCost = 50m,
            ExpectedCallsPerMonth = 1_000_000,
        });

        Assert.Multiple(() =>
        {
            Assert.That(decision.SavingPerCall, Is.LessThan(0m));
            Assert.That(decision.BreakEvenCalls, Is.Null);
            Assert.That(decision.BreakEvenCallsPerMonth, Is.Null);
            Assert.That(decision.Go, Is.False);
            Assert.That(decision.Reasons.Select(r => r.Code), Does.Contain(FineTuningReason.NotCheaperPerCall).And.Not.Contain(FineTuningReason.BreakEven));
        });
    }

    [Test]
    public void EqualCostPerCall_SaysSo_AndNeedsBetterQuality()
    {
        var input = Input(Scores(150, 50), Scores(100, 100));
        var decision = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            FineTuned = input.FineTuned with { TokensPerCall = input.Baseline.TokensPerCall },
            Baseline = input.Baseline,
            TrainingCost = 0m,
            ExpectedCallsPerMonth = 1_000,
        });

        Assert.Multiple(() =>
        {
            Assert.That(decision.SavingPerCall, Is.Zero);
            Assert.That(decision.Reasons[1].Message, Does.Contain(": the same cost (2,000/100 vs 2,000/100 tokens in/out)"));
            Assert.That(decision.Reasons[^1].Message, Does.EndWith("no saving."));
            Assert.That(decision.Go, Is.True, "significantly better quality at the same cost");
        });
    }

    [Test]
    public void MinimumQualityGain_RaisesTheBarForBetter()
    {
        var fineTuned = Scores(130, 70);
        var baseline = Scores(100, 100);
        var input = Input(fineTuned, baseline, callsPerMonth: 0);

        var plain = FineTuningAdvisor.Decide(input);
        var demanding = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            FineTuned = input.FineTuned,
            Baseline = input.Baseline,
            TrainingCost = input.TrainingCost,
            ExpectedCallsPerMonth = 0,
            MinimumQualityGain = 0.2,
        });

        Assert.Multiple(() =>
        {
            Assert.That(plain.Quality, Is.EqualTo(QualityVerdict.Better));
            Assert.That(demanding.Quality, Is.EqualTo(QualityVerdict.Indistinguishable));
            Assert.That(demanding.Go, Is.False);
            Assert.That(demanding.Reasons[0].Message, Does.Contain("minimum worthwhile gain of 0.200"));
        });
    }

    [Test]
    public void Explanation_HasTheHeadlineAndEveryReason()
    {
        var decision = FineTuningAdvisor.Decide(Input(Scores(120, 80), Scores(120, 80)));

        var lines = decision.Explanation.Split(Environment.NewLine);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(decision.Reasons.Count + 1));
            Assert.That(lines.Skip(1), Is.EqualTo(decision.Reasons.Select(r => "- " + r.Message)));
            Assert.That(decision.ToString(), Is.EqualTo(decision.Explanation));
            Assert.That(decision.Reasons[0].Message, Does.Contain("gain 0.000 [0.000, 0.000] (95% CI, 200 paired items; 0.600 vs 0.600)"));
        });
    }

    [Test]
    public void UnpairedOrEmptyScores_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => FineTuningAdvisor.Decide(Input(Scores(3, 0), Scores(4, 0))), Throws.ArgumentException.With.Message.Contains("'ft' has 3 and 'rag' has 4"));
            Assert.That(() => FineTuningAdvisor.Decide(Input([], [])), Throws.ArgumentException.With.Message.Contains("one finite score per test item"));
            Assert.That(() => FineTuningAdvisor.Decide(Input([double.NaN], [1])), Throws.ArgumentException.With.Message.Contains("not finite"));
        });
    }

    [Test]
    public void Assumptions_AreChecked()
    {
        var ok = Input(Scores(1, 1), Scores(1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(() => FineTuningAdvisor.Decide(Input(Scores(1, 1), Scores(1, 1), callsPerMonth: -1)), Throws.ArgumentException.With.Message.Contains("ExpectedCallsPerMonth"));
            Assert.That(() => FineTuningAdvisor.Decide(Input(Scores(1, 1), Scores(1, 1), lifetime: 0)), Throws.ArgumentException.With.Message.Contains("BaseModelLifetimeMonths"));
            Assert.That(() => FineTuningAdvisor.Decide(Input(Scores(1, 1), Scores(1, 1), trainingCost: -1m)), Throws.ArgumentException.With.Message.Contains("TrainingCost"));
            Assert.That(() => FineTuningAdvisor.Decide(new FineTuningAdvisorInput { FineTuned = ok.FineTuned, Baseline = ok.Baseline, TrainingCost = 1m, ExpectedCallsPerMonth = 1, HorizonMonths = 0 }), Throws.ArgumentException.With.Message.Contains("HorizonMonths"));
            Assert.That(() => FineTuningAdvisor.Decide(null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public void AgainstItsOwnUntunedBase_TheDecisionShowsWhatTheFineTuneItselfChanged()
    {
        // The fine-tuned retriever equals its un-tuned base item for item, and both are significantly worse than the best rung.
        var tuned = Scores(120, 80);
        var input = new FineTuningAdvisorInput
        {
            FineTuned = new MeasuredStrategy("rag-vector-adapted", tuned, new TokensPerCall(2_000, 100), Flat),
            UntunedBase = new MeasuredStrategy("rag-vector", [.. tuned], new TokensPerCall(2_000, 100), Flat),
            Baseline = new MeasuredStrategy("rag-bm25", Scores(180, 20), new TokensPerCall(2_000, 100), Flat),
            TrainingCost = 0m,
            ExpectedCallsPerMonth = 1_000,
        };

        var decision = FineTuningAdvisor.Decide(input);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Go, Is.False);
            Assert.That(decision.AgainstUntunedBase!.BaseName, Is.EqualTo("rag-vector"));
            Assert.That(decision.AgainstUntunedBase.Verdict, Is.EqualTo(QualityVerdict.Indistinguishable));
            Assert.That(decision.AgainstUntunedBase.Gain.Estimate, Is.EqualTo(0));
            Assert.That(decision.Reasons[0].Code, Is.EqualTo(FineTuningReason.FineTuneChangesNothing));
            Assert.That(decision.Explanation, Does.Contain("Against its own un-tuned base 'rag-vector'").And.Contain("changes nothing measurable").And.Contain("significantly worse than 'rag-bm25'"));
        });
    }

    [Test]
    public void AnUntunedBaseOnOtherItems_IsRejected()
    {
        var input = Input(fineTuned: Scores(10, 10), baseline: Scores(10, 10));
        var unpaired = new FineTuningAdvisorInput
        {
            FineTuned = input.FineTuned,
            Baseline = input.Baseline,
            UntunedBase = new MeasuredStrategy("base", Scores(5, 5), new TokensPerCall(1, 1), Flat),
            TrainingCost = 0m,
            ExpectedCallsPerMonth = 1,
        };

        Assert.That(() => FineTuningAdvisor.Decide(unpaired), Throws.ArgumentException.With.Message.Contains("un-tuned base 'base' has 10"));
    }
}
