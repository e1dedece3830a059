namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>How serious a <see cref="TrainingDataIssue"/> is.</summary>
public enum TrainingDataIssueSeverity
{
    /// <summary>The file must not be uploaded until this is fixed.</summary>
    Error,

    /// <summary>The file can be used, but the issue probably hurts training or is not what was meant.</summary>
    Warning,
}
