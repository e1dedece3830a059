namespace LlmStrategies.FineTuning;

/// <summary>One reason behind a <see cref="FineTuningDecision"/>, as data.</summary>
/// <param name="Code">A stable identifier (see <see cref="FineTuningReason"/>'s constants), for code that inspects decisions.</param>
/// <param name="FavoursFineTuning"><see langword="true"/> when the reason argues for fine-tuning, <see langword="false"/> when against, <see langword="null"/> when neutral.</param>
/// <param name="Message">The reason in words, with its figures.</param>
public sealed record FineTuningReason(string Code, bool? FavoursFineTuning, string Message)
{
    /// <summary>The fine-tuned model is significantly better.</summary>
    public const string QualityBetter = "quality-better";

    /// <summary>The difference in quality is not significant (or below the minimum worthwhile gain).</summary>
    public const string QualityIndistinguishable = "quality-indistinguishable";

    /// <summary>The fine-tuned model is significantly worse.</summary>
    public const string QualityWorse = "quality-worse";

    /// <summary>Calls to the fine-tuned model are cheaper (usually shorter prompts).</summary>
    public const string CheaperPerCall = "cheaper-per-call";

    /// <summary>Calls to the fine-tuned model are not cheaper.</summary>
    public const string NotCheaperPerCall = "not-cheaper-per-call";

    /// <summary>The training runs over the horizon, including re-training when the base model changes.</summary>
    public const string Retraining = "retraining";

    /// <summary>The call volume needed to recover the training cost.</summary>
    public const string BreakEven = "break-even";

    /// <summary>Over the horizon, fine-tuning costs less in total.</summary>
    public const string PaysOff = "pays-off";

    /// <summary>Over the horizon, fine-tuning costs more in total.</summary>
    public const string DoesNotPayOff = "does-not-pay-off";

    /// <summary>The fine-tune is significantly better than its own un-tuned base.</summary>
    public const string FineTuneHelps = "fine-tune-helps";

    /// <summary>The fine-tune is not significantly different from its own un-tuned base: it changes nothing measurable.</summary>
    public const string FineTuneChangesNothing = "fine-tune-changes-nothing";

    /// <summary>The fine-tune is significantly worse than its own un-tuned base.</summary>
    public const string FineTuneHurts = "fine-tune-hurts";

    /// <summary>Switching to another model's best strategy is as good as the fine-tune and costs less: no training needed.</summary>
    public const string SwitchModelInstead = "switch-model-instead";

    /// <summary>Another model's best strategy was weighed against the fine-tune and is not a better deal (worse, or not cheaper).</summary>
    public const string SwitchModelConsidered = "switch-model-considered";
}
