using System.Globalization;
using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.FineTuning;

/// <summary>
/// Decides whether fine-tuning is worth it, from measurements rather than hope. The fine-tuned model must be
/// compared with the best strategy that needs no training, on the same test items:
/// <list type="bullet">
/// <item>significantly worse (the paired gain's interval is below 0): no-go;</item>
/// <item>significantly better (the interval is above <see cref="FineTuningAdvisorInput.MinimumQualityGain"/>): go, with its costs stated;</item>
/// <item>otherwise the quality is indistinguishable, and fine-tuning is a cost play: go only when it costs less over the
/// horizon, counting every training run (a base model that is retired forces a re-train), hosting and the per-call
/// saving of shorter prompts.</item>
/// </list>
/// </summary>
public static class FineTuningAdvisor
{
    /// <summary>Makes the decision.</summary>
    /// <param name="input">The measurements and assumptions.</param>
    /// <returns>The decision with its reasons.</returns>
    /// <exception cref="ArgumentException">The scores are not paired (different counts, or none), or an assumption is out of range; the message names it.</exception>
    public static FineTuningDecision Decide(FineTuningAdvisorInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);
        var fineTuned = input.FineTuned;
        var baseline = input.Baseline;

        var (gain, quality) = Compare(fineTuned, baseline, input);
        var againstBase = input.UntunedBase is { } untuned ? Compare(fineTuned, untuned, input) : default((ConfidenceInterval Gain, QualityVerdict Verdict)?);
        var costs = HorizonCosts.Of(input);

        var go = quality switch
        {
            QualityVerdict.Worse => false,
            QualityVerdict.Better => true,
            _ => costs.PaysOff,
        };

        var reasons = new List<FineTuningReason>();
        if (againstBase is { } b)
        {
            reasons.Add(UntunedBaseReason(b.Gain, b.Verdict, input));
        }

        reasons.Add(QualityReason(gain, quality, input));
        AddCostReasons(reasons, costs, input);

        // The alternatives are weighed (and their reasons given) whatever the verdict; a switch only overrides a GO.
        var best = WeighSwitches(input, costs.FineTunedTotal, costs.Calls, reasons);
        var switchTo = go ? best : null;
        go &= switchTo is null;
        var headline = Headline(go, switchTo, quality, costs, input);
        var explanation = string.Join(Environment.NewLine, reasons.Select(r => "- " + r.Message).Prepend(headline));
        return new FineTuningDecision
        {
            Go = go,
            FineTunedName = fineTuned.Name,
            BaselineName = baseline.Name,
            Quality = quality,
            QualityGain = gain,
            AgainstUntunedBase = againstBase is { } ab ? new BaseComparison(input.UntunedBase!.Name, ab.Gain, ab.Verdict) : null,
            FineTunedMeanScore = fineTuned.Scores.Average(),
            BaselineMeanScore = baseline.Scores.Average(),
            ItemCount = fineTuned.Scores.Count,
            FineTunedCostPerCall = costs.FineTunedPerCall,
            BaselineCostPerCall = costs.BaselinePerCall,
            CostPerTrainingRun = costs.PerRun,
            TrainingRuns = costs.Runs,
            HorizonMonths = input.HorizonMonths,
            CallsOverHorizon = costs.Calls,
            BreakEvenCalls = costs.BreakEven,
            BreakEvenCallsPerMonth = costs.BreakEvenPerMonth,
            FineTunedTotalCost = costs.FineTunedTotal,
            BaselineTotalCost = costs.BaselineTotal,
            SwitchTo = switchTo?.Strategy.Name,
            Reasons = reasons,
            Explanation = explanation,
        };
    }

    /// <summary>The fine-tune against its own un-tuned base: does the training itself change anything?</summary>
    private static FineTuningReason UntunedBaseReason(ConfidenceInterval gain, QualityVerdict verdict, FineTuningAdvisorInput input)
    {
        var text = GainText(gain, input.FineTuned, input.UntunedBase!, input);
        return verdict switch
        {
            QualityVerdict.Better => new(FineTuningReason.FineTuneHelps, true, $"Against its own un-tuned base '{input.UntunedBase!.Name}' (same retriever, prompt and model): the fine-tune helps, gain {text}."),
            QualityVerdict.Worse => new(FineTuningReason.FineTuneHurts, false, $"Against its own un-tuned base '{input.UntunedBase!.Name}' (same retriever, prompt and model): the fine-tune hurts, gain {text}."),
            _ => new(FineTuningReason.FineTuneChangesNothing, false, $"Against its own un-tuned base '{input.UntunedBase!.Name}' (same retriever, prompt and model): the fine-tune changes nothing measurable, gain {text}."),
        };
    }

    /// <summary>The fine-tune against the baseline on quality.</summary>
    private static FineTuningReason QualityReason(ConfidenceInterval gain, QualityVerdict quality, FineTuningAdvisorInput input)
    {
        var (fineTuned, baseline) = (input.FineTuned, input.Baseline);
        var gainText = GainText(gain, fineTuned, baseline, input);
        return quality switch
        {
            QualityVerdict.Worse => new(FineTuningReason.QualityWorse, false, $"Quality: '{fineTuned.Name}' is significantly worse than '{baseline.Name}': gain {gainText}."),
            QualityVerdict.Better => new(FineTuningReason.QualityBetter, true, $"Quality: '{fineTuned.Name}' is significantly better than '{baseline.Name}': gain {gainText}{MinimumText(input)}."),
            _ => new(FineTuningReason.QualityIndistinguishable, null, $"Quality: '{fineTuned.Name}' is not significantly better than '{baseline.Name}': gain {gainText}{MinimumText(input)}; fine-tuning has to pay for itself in cost."),
        };
    }

    /// <summary>Adds the cost reasons, in order: per call, re-training, break-even (when calls save anything), the horizon total.</summary>
    private static void AddCostReasons(List<FineTuningReason> reasons, HorizonCosts costs, FineTuningAdvisorInput input)
    {
        var (fineTuned, baseline) = (input.FineTuned, input.Baseline);
        var saving = costs.Saving;
        reasons.Add(saving > 0
            ? new(FineTuningReason.CheaperPerCall, true, $"Per call: {Money(costs.FineTunedPerCall)} vs {Money(costs.BaselinePerCall)}, saving {Money(saving)} ({Tokens(fineTuned.TokensPerCall)} vs {Tokens(baseline.TokensPerCall)} tokens in/out).")
            : new(FineTuningReason.NotCheaperPerCall, false, $"Per call: {Money(costs.FineTunedPerCall)} vs {Money(costs.BaselinePerCall)}: "
                + (saving == 0 ? "the same cost" : $"the fine-tuned model costs {Money(-saving)} more")
                + $" ({Tokens(fineTuned.TokensPerCall)} vs {Tokens(baseline.TokensPerCall)} tokens in/out), so calls never pay back training."));
        reasons.Add(new(FineTuningReason.Retraining, false, $"Re-training: {Money(costs.PerRun)} per training run ({Money(input.TrainingCost)} training + {Money(input.OverheadPerTrainingRun)} overhead); "
            + (double.IsPositiveInfinity(input.BaseModelLifetimeMonths) ? "the base model is assumed never to change" : $"the base model is expected to change every {N(input.BaseModelLifetimeMonths)} months")
            + $", so {costs.Runs} run(s) in {input.HorizonMonths} months ({Money(costs.PerRun * costs.Runs)})"
            + (input.MonthlyHostingCost > 0 ? $", plus {Money(input.MonthlyHostingCost)}/month hosting." : ".")));
        if (costs.BreakEven is { } calls1)
        {
            reasons.Add(new(FineTuningReason.BreakEven, null, $"Break-even: {N(calls1)} calls recover one training run; over {input.HorizonMonths} months it takes {N(costs.BreakEvenPerMonth!.Value)} calls/month (expected {N(input.ExpectedCallsPerMonth)}/month)."));
        }

        var (fineTunedTotal, baselineTotal) = (costs.FineTunedTotal, costs.BaselineTotal);
        reasons.Add(costs.PaysOff
            ? new(FineTuningReason.PaysOff, true, $"Over {input.HorizonMonths} months at {N(input.ExpectedCallsPerMonth)} calls/month: {Money(fineTunedTotal)} fine-tuned vs {Money(baselineTotal)} baseline, saving {Money(baselineTotal - fineTunedTotal)}.")
            : new(FineTuningReason.DoesNotPayOff, false, $"Over {input.HorizonMonths} months at {N(input.ExpectedCallsPerMonth)} calls/month: {Money(fineTunedTotal)} fine-tuned vs {Money(baselineTotal)} baseline, "
                + (fineTunedTotal == baselineTotal ? "no saving." : $"{Money(fineTunedTotal - baselineTotal)} more.")));
    }

    private static string Headline(bool go, (MeasuredStrategy Strategy, decimal Total)? switchTo, QualityVerdict quality, HorizonCosts costs, FineTuningAdvisorInput input)
    {
        var (fineTuned, baseline) = (input.FineTuned, input.Baseline);
        return switchTo is { } alternative
            ? $"NO-GO: switch to '{alternative.Strategy.Name}' instead of fine-tuning, because it is not significantly worse than '{fineTuned.Name}' and costs {Money(costs.FineTunedTotal - alternative.Total)} less over {input.HorizonMonths} months, with no training."
            : go
            ? $"GO: fine-tune ('{fineTuned.Name}' instead of '{baseline.Name}'), because {(quality == QualityVerdict.Better ? "its quality is significantly better" : "its quality is indistinguishable and it costs less over the horizon")}."
            : $"NO-GO: keep '{baseline.Name}', because {(quality == QualityVerdict.Worse ? "the fine-tuned model's quality is significantly worse" : "the fine-tuned model is not significantly better and does not pay for itself over the horizon")}.";
    }

    /// <summary>
    /// Weighs each other model's best strategy against the fine-tune, adds a reason for each, and returns the one to switch
    /// to: not significantly worse than the fine-tune and cheaper over the horizon (the cheapest such; ties: the better mean),
    /// or <see langword="null"/>.
    /// </summary>
    private static (MeasuredStrategy Strategy, decimal Total)? WeighSwitches(FineTuningAdvisorInput input, decimal fineTunedTotal, double calls, List<FineTuningReason> reasons)
    {
        var candidates = new List<(MeasuredStrategy Strategy, decimal Total, string GainText)>();
        foreach (var alternative in input.SwitchModelAlternatives)
        {
            var (gain, verdict) = Compare(input.FineTuned, alternative, input);
            var total = (decimal)calls * alternative.TokensPerCall.CostAt(alternative.Prices);
            var text = GainText(gain, input.FineTuned, alternative, input);
            var cheaper = total < fineTunedTotal;
            if (verdict != QualityVerdict.Better && cheaper)
            {
                candidates.Add((alternative, total, text));
                continue;
            }

            reasons.Add(new(FineTuningReason.SwitchModelConsidered, null, $"Switching model instead: '{alternative.Name}' "
                + (verdict == QualityVerdict.Better ? $"is significantly worse than the fine-tune (fine-tune's gain {text})" : $"is as good as the fine-tune (fine-tune's gain {text})")
                + (cheaper ? $" and costs {Money(total)} over {input.HorizonMonths} months vs {Money(fineTunedTotal)}." : $" but costs {Money(total)} over {input.HorizonMonths} months vs {Money(fineTunedTotal)} fine-tuned.")));
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        var best = candidates.OrderBy(c => c.Total).ThenByDescending(c => c.Strategy.Scores.Average()).First();
        foreach (var candidate in candidates)
        {
            var chosen = ReferenceEquals(candidate.Strategy, best.Strategy);
            reasons.Add(new(chosen ? FineTuningReason.SwitchModelInstead : FineTuningReason.SwitchModelConsidered, chosen ? false : null,
                $"Switching model instead: '{candidate.Strategy.Name}' is not significantly worse than the fine-tune (fine-tune's gain {candidate.GainText}) "
                + $"and costs {Money(candidate.Total)} over {input.HorizonMonths} months vs {Money(fineTunedTotal)} fine-tuned, with no training"
                + (chosen ? "." : $"; '{best.Strategy.Name}' costs less still.")));
        }

        return (best.Strategy, best.Total);
    }

    /// <summary>The paired gain of <paramref name="a"/> over <paramref name="b"/> and what it means.</summary>
    private static (ConfidenceInterval Gain, QualityVerdict Verdict) Compare(MeasuredStrategy a, MeasuredStrategy b, FineTuningAdvisorInput input)
    {
        var gain = Bootstrap.PairedDifference(a.Scores, b.Scores, input.Seed, input.Resamples, input.ConfidenceLevel);
        var verdict = gain.Upper < 0 ? QualityVerdict.Worse
            : gain.Lower > input.MinimumQualityGain ? QualityVerdict.Better
            : QualityVerdict.Indistinguishable;
        return (gain, verdict);
    }

    private static string GainText(ConfidenceInterval gain, MeasuredStrategy a, MeasuredStrategy b, FineTuningAdvisorInput input)
    {
        var level = (input.ConfidenceLevel * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        return $"{Signed(gain.Estimate)} [{Signed(gain.Lower)}, {Signed(gain.Upper)}] ({level} CI, {N(a.Scores.Count)} paired items; {N3(a.Scores.Average())} vs {N3(b.Scores.Average())})";
    }

    private static void Validate(FineTuningAdvisorInput input)
    {
        var strategies = new List<(MeasuredStrategy Strategy, string Name)> { (input.FineTuned, nameof(input.FineTuned)), (input.Baseline, nameof(input.Baseline)) };
        if (input.UntunedBase is not null)
        {
            strategies.Add((input.UntunedBase, nameof(input.UntunedBase)));
        }

        if (input.SwitchModelAlternatives is null)
        {
            throw new ArgumentException("SwitchModelAlternatives must not be null; leave it empty when there is no other model to weigh.", nameof(input));
        }

        strategies.AddRange(input.SwitchModelAlternatives.Select((s, i) => (s, $"SwitchModelAlternatives[{i}]")));

        foreach (var (strategy, name) in strategies)
        {
            if (strategy is null || strategy.Scores is null || strategy.TokensPerCall is null || strategy.Prices is null || string.IsNullOrWhiteSpace(strategy.Name))
            {
                throw new ArgumentException($"{name} needs a name, scores, tokens per call and prices.", nameof(input));
            }

            if (strategy.Scores.Count == 0 || strategy.Scores.Any(s => !double.IsFinite(s)))
            {
                throw new ArgumentException($"{name}.Scores must hold one finite score per test item; '{strategy.Name}' has {strategy.Scores.Count} score(s){(strategy.Scores.Any(s => !double.IsFinite(s)) ? ", some not finite" : string.Empty)}.", nameof(input));
            }
        }

        if (input.UntunedBase is { } untuned && untuned.Scores.Count != input.FineTuned.Scores.Count)
        {
            throw new ArgumentException($"The scores must be paired (the same test items in the same order): '{input.FineTuned.Name}' has {input.FineTuned.Scores.Count} and its un-tuned base '{untuned.Name}' has {untuned.Scores.Count}.", nameof(input));
        }

        if (input.FineTuned.Scores.Count != input.Baseline.Scores.Count)
        {
            throw new ArgumentException($"The scores must be paired (the same test items in the same order): '{input.FineTuned.Name}' has {input.FineTuned.Scores.Count} and '{input.Baseline.Name}' has {input.Baseline.Scores.Count}.", nameof(input));
        }

        foreach (var (alternative, i) in input.SwitchModelAlternatives.Select((a, i) => (a, i)).Where(x => x.a.Scores.Count != input.FineTuned.Scores.Count))
        {
            throw new ArgumentException($"The scores must be paired (the same test items in the same order): '{input.FineTuned.Name}' has {input.FineTuned.Scores.Count} and SwitchModelAlternatives[{i}] '{alternative.Name}' has {alternative.Scores.Count}.", nameof(input));
        }

        if (input.TrainingCost < 0 || input.OverheadPerTrainingRun < 0 || input.MonthlyHostingCost < 0)
        {
            throw new ArgumentException("TrainingCost, OverheadPerTrainingRun and MonthlyHostingCost must not be negative.", nameof(input));
        }

        if (!(input.ExpectedCallsPerMonth >= 0) || double.IsPositiveInfinity(input.ExpectedCallsPerMonth))
        {
            throw new ArgumentException($"ExpectedCallsPerMonth must be a finite number ≥ 0; it is {input.ExpectedCallsPerMonth}.", nameof(input));
        }

        if (input.HorizonMonths <= 0)
        {
            throw new ArgumentException($"HorizonMonths must be positive; it is {input.HorizonMonths}.", nameof(input));
        }

        if (!(input.BaseModelLifetimeMonths > 0))
        {
            throw new ArgumentException($"BaseModelLifetimeMonths must be positive (or PositiveInfinity for never); it is {input.BaseModelLifetimeMonths}.", nameof(input));
        }

        if (!double.IsFinite(input.MinimumQualityGain) || input.MinimumQualityGain < 0)
        {
            throw new ArgumentException($"MinimumQualityGain must be a finite number ≥ 0; it is {input.MinimumQualityGain}.", nameof(input));
        }
    }

    private static string MinimumText(FineTuningAdvisorInput input) =>
        input.MinimumQualityGain > 0 ? $", against a minimum worthwhile gain of {N3(input.MinimumQualityGain)}" : string.Empty;

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string N3(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString(value >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => value.ToString(Math.Abs(value) >= 1 ? "N2" : "0.######", CultureInfo.InvariantCulture);

    private static string Tokens(TokensPerCall tokens) => $"{N(tokens.InputTokens)}/{N(tokens.OutputTokens)}";

    /// <summary>The cost arithmetic over the horizon: per call, per training run, how many runs, totals and break-even.</summary>
    private readonly record struct HorizonCosts(
        decimal FineTunedPerCall,
        decimal BaselinePerCall,
        decimal PerRun,
        int Runs,
        double Calls,
        decimal FineTunedTotal,
        decimal BaselineTotal,
        double? BreakEven,
        double? BreakEvenPerMonth)
    {
        /// <summary>What a call on the fine-tuned model saves against the baseline (negative when it costs more).</summary>
        public decimal Saving => BaselinePerCall - FineTunedPerCall;

        public bool PaysOff => BaselineTotal - FineTunedTotal > 0;

        public static HorizonCosts Of(FineTuningAdvisorInput input)
        {
            var fineTunedPerCall = input.FineTuned.TokensPerCall.CostAt(input.FineTuned.Prices);
            var baselinePerCall = input.Baseline.TokensPerCall.CostAt(input.Baseline.Prices);
            var saving = baselinePerCall - fineTunedPerCall;
            var perRun = input.TrainingCost + input.OverheadPerTrainingRun;
            var runs = double.IsPositiveInfinity(input.BaseModelLifetimeMonths)
                ? 1
                : Math.Max(1, (int)Math.Ceiling((input.HorizonMonths / input.BaseModelLifetimeMonths) - 1e-9));
            var fixedCosts = (perRun * runs) + (input.MonthlyHostingCost * input.HorizonMonths);
            var calls = input.ExpectedCallsPerMonth * input.HorizonMonths;
            double? breakEven = saving > 0 ? (double)(perRun / saving) : null;
            double? breakEvenPerMonth = saving > 0 ? (double)(fixedCosts / (saving * input.HorizonMonths)) : null;
            return new HorizonCosts(
                fineTunedPerCall,
                baselinePerCall,
                perRun,
                runs,
                calls,
                fixedCosts + ((decimal)calls * fineTunedPerCall),
                (decimal)calls * baselinePerCall,
                breakEven,
                breakEvenPerMonth);
        }
    }
}
