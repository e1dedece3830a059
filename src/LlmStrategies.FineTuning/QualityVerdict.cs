namespace LlmStrategies.FineTuning;

/// <summary>How the fine-tuned model's quality compares with the best strategy without fine-tuning.</summary>
public enum QualityVerdict
{
    /// <summary>Significantly better: the gain's interval lies above the minimum worthwhile gain.</summary>
    Better,

    /// <summary>Not significantly different (or better by less than the minimum worthwhile gain).</summary>
    Indistinguishable,

    /// <summary>Significantly worse: the gain's interval lies below zero.</summary>
    Worse,
}
