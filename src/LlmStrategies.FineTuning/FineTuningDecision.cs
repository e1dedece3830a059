using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.FineTuning;

/// <summary>
/// The fine-tuning go/no-go with everything it was based on: the quality gain with its confidence interval, the costs
/// per call and over the horizon, the break-even volume and the re-training burden, as data and as text.
/// </summary>
public sealed class FineTuningDecision
{
    /// <summary>Gets the fine-tuned strategy against its own un-tuned base, when the input gave one (<see cref="FineTuningAdvisorInput.UntunedBase"/>).</summary>
    public BaseComparison? AgainstUntunedBase { get; init; }

    /// <summary>Gets a value indicating whether fine-tuning is recommended.</summary>
    public required bool Go { get; init; }

    /// <summary>Gets the fine-tuned candidate's name.</summary>
    public required string FineTunedName { get; init; }

    /// <summary>Gets the name of the best strategy without fine-tuning.</summary>
    public required string BaselineName { get; init; }

    /// <summary>Gets how the quality compares.</summary>
    public required QualityVerdict Quality { get; init; }

    /// <summary>Gets the mean paired quality gain (fine-tuned − baseline) with its percentile bootstrap interval.</summary>
    public required ConfidenceInterval QualityGain { get; init; }

    /// <summary>Gets the fine-tuned candidate's mean score.</summary>
    public required double FineTunedMeanScore { get; init; }

    /// <summary>Gets the baseline's mean score.</summary>
    public required double BaselineMeanScore { get; init; }

    /// <summary>Gets the number of paired test items.</summary>
    public required int ItemCount { get; init; }

    /// <summary>Gets the cost of one call to the fine-tuned model.</summary>
    public required decimal FineTunedCostPerCall { get; init; }

    /// <summary>Gets the cost of one call of the baseline strategy.</summary>
    public required decimal BaselineCostPerCall { get; init; }

    /// <summary>Gets the saving per call (baseline − fine-tuned; negative when the fine-tuned model costs more per call).</summary>
    public decimal SavingPerCall => BaselineCostPerCall - FineTunedCostPerCall;

    /// <summary>Gets the cost of one training run including its overhead.</summary>
    public required decimal CostPerTrainingRun { get; init; }

    /// <summary>Gets the training runs within the horizon: the first plus one per expected base-model change.</summary>
    public required int TrainingRuns { get; init; }

    /// <summary>Gets the horizon in months.</summary>
    public required int HorizonMonths { get; init; }

    /// <summary>Gets the calls expected over the horizon.</summary>
    public required double CallsOverHorizon { get; init; }

    /// <summary>
    /// Gets the calls needed for the per-call saving to recover one training run, or <see langword="null"/> when the
    /// fine-tuned model saves nothing per call (it never breaks even on cost).
    /// </summary>
    public required double? BreakEvenCalls { get; init; }

    /// <summary>
    /// Gets the monthly call volume at which fine-tuning costs the same as the baseline over the horizon, counting
    /// every training run and hosting; <see langword="null"/> when it saves nothing per call.
    /// </summary>
    public required double? BreakEvenCallsPerMonth { get; init; }

    /// <summary>Gets the fine-tuned strategy's total cost over the horizon: training runs, hosting and calls.</summary>
    public required decimal FineTunedTotalCost { get; init; }

    /// <summary>Gets the baseline's total cost over the horizon (its calls).</summary>
    public required decimal BaselineTotalCost { get; init; }

    /// <summary>Gets the saving over the horizon (baseline − fine-tuned total; negative when fine-tuning costs more).</summary>
    public decimal NetSavingOverHorizon => BaselineTotalCost - FineTunedTotalCost;

    /// <summary>
    /// Gets the other model's strategy to switch to instead of fine-tuning (see
    /// <see cref="FineTuningAdvisorInput.SwitchModelAlternatives"/>), or <see langword="null"/> when no alternative is
    /// as good and cheaper.
    /// </summary>
    public string? SwitchTo { get; init; }

    /// <summary>Gets the reasons, quality first.</summary>
    public required IReadOnlyList<FineTuningReason> Reasons { get; init; }

    /// <summary>Gets the decision and its reasons as text, one reason per line.</summary>
    public required string Explanation { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Explanation;
}

/// <summary>What a fine-tune changed: the fine-tuned strategy against the same strategy without it, on the same items.</summary>
/// <param name="BaseName">The un-tuned strategy.</param>
/// <param name="Gain">The paired gain (fine-tuned − base) with its interval.</param>
/// <param name="Verdict">Whether the fine-tune made a significant difference.</param>
public sealed record BaseComparison(string BaseName, ConfidenceInterval Gain, QualityVerdict Verdict);
