namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>One item of a train split: an input and the output the fine-tuned model should produce for it.</summary>
public sealed class TrainingExample
{
    /// <summary>Gets the input, written as the user turn.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the expected output, written as the assistant turn.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the item's identifier, used in error messages; <see langword="null"/> names the item by its position.</summary>
    public string? Id { get; init; }

    /// <summary>Gets an optional class label (not written to the file; kept for the caller's bookkeeping).</summary>
    public string? Label { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Id ?? Input;
}
