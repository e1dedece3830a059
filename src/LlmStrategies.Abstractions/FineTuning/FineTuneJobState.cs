namespace LlmStrategies;

/// <summary>A snapshot of a fine-tuning job.</summary>
public sealed class FineTuneJobState
{
    /// <summary>Gets the job's identifier.</summary>
    public required string JobId { get; init; }

    /// <summary>Gets the job's status.</summary>
    public required FineTuneJobStatus Status { get; init; }

    /// <summary>
    /// Gets the provider's own status text (for example "validating_files"), kept because providers add states that
    /// <see cref="FineTuneJobStatus"/> folds together; <see langword="null"/> when the provider reports none.
    /// </summary>
    public string? ProviderStatus { get; init; }

    /// <summary>Gets the provider's id of the model the job started from, when reported.</summary>
    public string? BaseModel { get; init; }

    /// <summary>Gets a value indicating whether the status is final (succeeded, failed or cancelled).</summary>
    public bool IsTerminal => Status is FineTuneJobStatus.Succeeded or FineTuneJobStatus.Failed or FineTuneJobStatus.Cancelled;

    /// <summary>Gets the id of the resulting model once <see cref="FineTuneJobStatus.Succeeded"/>.</summary>
    public string? FineTunedModelId { get; init; }

    /// <summary>Gets the number of tokens trained on, when reported.</summary>
    public long? TrainedTokens { get; init; }

    /// <summary>Gets the provider's error message once <see cref="FineTuneJobStatus.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets when the job was created, when reported.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when the job finished, when reported.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
