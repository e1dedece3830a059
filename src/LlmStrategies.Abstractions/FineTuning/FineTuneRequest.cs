namespace LlmStrategies;

/// <summary>What to fine-tune: a base model and validated training data.</summary>
public sealed class FineTuneRequest
{
    /// <summary>Gets the provider's id of the model to start from.</summary>
    public required string BaseModel { get; init; }

    /// <summary>Gets the path of the training data file (chat-format JSONL, exported from a train split).</summary>
    public required string TrainingFile { get; init; }

    /// <summary>Gets the path of an optional validation data file.</summary>
    public string? ValidationFile { get; init; }

    /// <summary>Gets the number of epochs, or <see langword="null"/> for the provider's default.</summary>
    public int? Epochs { get; init; }

    /// <summary>Gets a suffix for the resulting model's name, or <see langword="null"/>.</summary>
    public string? Suffix { get; init; }

    /// <summary>Gets the training seed, or <see langword="null"/> when the provider chooses.</summary>
    public int? Seed { get; init; }

    /// <summary>Gets provider-specific hyperparameters (for example learning-rate multiplier, batch size).</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>(0);
}
