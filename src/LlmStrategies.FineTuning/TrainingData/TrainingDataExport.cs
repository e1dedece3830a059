namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>What <see cref="TrainingDataExporter.Export"/> wrote.</summary>
public sealed class TrainingDataExport
{
    /// <summary>Gets the full path of the JSONL file.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the number of examples (lines) written.</summary>
    public required int ExampleCount { get; init; }

    /// <summary>Gets the training examples left out because they match test inputs (empty unless excluding was enabled).</summary>
    public IReadOnlyList<TrainingDataLeak> ExcludedLeaks { get; init; } = [];
}
