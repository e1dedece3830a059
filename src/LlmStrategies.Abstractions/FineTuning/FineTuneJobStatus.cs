namespace LlmStrategies;

/// <summary>The life-cycle status of a fine-tuning job.</summary>
public enum FineTuneJobStatus
{
    /// <summary>Accepted, waiting for resources or validating files.</summary>
    Queued,

    /// <summary>Training.</summary>
    Running,

    /// <summary>Finished; the fine-tuned model is available.</summary>
    Succeeded,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Cancelled before finishing.</summary>
    Cancelled,
}
