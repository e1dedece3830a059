namespace LlmStrategies.FineTuning;

/// <summary>What <see cref="FineTuningAdvisor"/> decides from: two measured strategies, training cost, volume and re-training assumptions.</summary>
public sealed class FineTuningAdvisorInput
{
    /// <summary>Gets the fine-tuned candidate, measured on the same test items as <see cref="Baseline"/>.</summary>
    public required MeasuredStrategy FineTuned { get; init; }

    /// <summary>Gets the best strategy without fine-tuning (prompt-only, few-shot or RAG), measured on the same items.</summary>
    public required MeasuredStrategy Baseline { get; init; }

    /// <summary>
    /// Gets the fine-tuned strategy's own un-tuned base — the same retriever, prompt and model without the fine-tune —
    /// measured on the same items, or <see langword="null"/>. When given, the decision also shows what the fine-tune
    /// itself changed, which the comparison with <see cref="Baseline"/> (the best strategy without fine-tuning) hides
    /// when the two differ in more than the fine-tune.
    /// </summary>
    public MeasuredStrategy? UntunedBase { get; init; }

    /// <summary>
    /// Gets other models' best strategies, measured on the same test items in the same order (for example
    /// <see cref="MeasuredStrategy.BestPerModel"/> of a model × strategy grid): switching to one of them needs no
    /// training. When one is not significantly worse than the fine-tuned model and costs less over the horizon, the
    /// decision is no-go with <see cref="FineTuningReason.SwitchModelInstead"/>. Empty by default.
    /// </summary>
    public IReadOnlyList<MeasuredStrategy> SwitchModelAlternatives { get; init; } = [];

    /// <summary>Gets the cost of one training run (for example <see cref="TrainingCostEstimate.Cost"/>).</summary>
    public required decimal TrainingCost { get; init; }

    /// <summary>Gets the expected number of calls per month.</summary>
    public required double ExpectedCallsPerMonth { get; init; }

    /// <summary>Gets the period the costs are compared over, in months. Default 12.</summary>
    public int HorizonMonths { get; init; } = 12;

    /// <summary>
    /// Gets how long a base model is expected to stay available before it is retired or replaced and the fine-tune has
    /// to be redone on its successor, in months. Default 12; <see cref="double.PositiveInfinity"/> for never.
    /// </summary>
    public double BaseModelLifetimeMonths { get; init; } = 12;

    /// <summary>
    /// Gets the cost of everything around one training run besides the provider's bill: refreshing the data, re-running
    /// the evaluation, engineering time. Default 0.
    /// </summary>
    public decimal OverheadPerTrainingRun { get; init; }

    /// <summary>Gets what hosting the fine-tuned model costs per month (some providers charge it). Default 0.</summary>
    public decimal MonthlyHostingCost { get; init; }

    /// <summary>
    /// Gets the smallest quality gain worth fine-tuning for: the fine-tuned model counts as better only when the lower
    /// bound of the gain's confidence interval exceeds it. Default 0 (any significant gain).
    /// </summary>
    public double MinimumQualityGain { get; init; }

    /// <summary>Gets the confidence level of the gain's interval. Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Gets the number of bootstrap resamples. Default 10,000.</summary>
    public int Resamples { get; init; } = 10_000;

    /// <summary>Gets the bootstrap's random seed. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
