namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>Training data would contain test items, so a model trained on it could not be evaluated honestly.</summary>
public sealed class TrainingDataLeakageException : InvalidOperationException
{
    /// <summary>Creates an exception.</summary>
    public TrainingDataLeakageException()
        : this("The training data contains test items.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TrainingDataLeakageException(string message)
        : base(message)
    {
        Leaks = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDataLeakageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Leaks = [];
    }

    /// <summary>Creates an exception listing the leaked examples.</summary>
    /// <param name="leaks">The training examples that match test inputs; at least one.</param>
    public TrainingDataLeakageException(IReadOnlyList<TrainingDataLeak> leaks)
        : base(Describe(leaks))
    {
        Leaks = leaks;
    }

    /// <summary>Gets the training examples that match test inputs.</summary>
    public IReadOnlyList<TrainingDataLeak> Leaks { get; }

    private static string Describe(IReadOnlyList<TrainingDataLeak> leaks)
    {
        ArgumentNullException.ThrowIfNull(leaks);
        const int Shown = 10;
        var listed = string.Join("; ", leaks.Take(Shown));
        var more = leaks.Count > Shown ? $"; and {leaks.Count - Shown} more" : string.Empty;
        return $"{leaks.Count} training example(s) are test items (identical or near-duplicate inputs): {listed}{more}. "
            + "Remove them from the train split (split by a group such as the source article, not by item), "
            + "or set TrainingDataExportOptions.ExcludeLeakedExamples to leave them out.";
    }
}
