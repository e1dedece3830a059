namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>A training file failed validation; <see cref="Issues"/> lists every problem by line.</summary>
public sealed class TrainingDataValidationException : FormatException
{
    /// <summary>Creates an exception.</summary>
    public TrainingDataValidationException()
        : this("The training data is invalid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TrainingDataValidationException(string message)
        : base(message)
    {
        Path = string.Empty;
        Issues = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDataValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Issues = [];
    }

    /// <summary>Creates an exception for a validated file.</summary>
    /// <param name="path">The file (or the name of the stream) that was validated.</param>
    /// <param name="issues">All issues found, errors and warnings.</param>
    public TrainingDataValidationException(string path, IReadOnlyList<TrainingDataIssue> issues)
        : base(Describe(path, issues))
    {
        Path = path;
        Issues = issues;
    }

    /// <summary>Gets the file that failed validation.</summary>
    public string Path { get; }

    /// <summary>Gets every issue found, errors and warnings.</summary>
    public IReadOnlyList<TrainingDataIssue> Issues { get; }

    private static string Describe(string path, IReadOnlyList<TrainingDataIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        const int Shown = 20;
        var errors = issues.Where(i => i.Severity == TrainingDataIssueSeverity.Error).ToList();
        var lines = string.Join(Environment.NewLine, errors.Take(Shown).Select(i => "  " + i));
        var more = errors.Count > Shown ? $"{Environment.NewLine}  ... and {errors.Count - Shown} more errors (see Issues)." : string.Empty;
        return $"'{path}' is not valid fine-tuning data: {errors.Count} error(s).{Environment.NewLine}{lines}{more}";
    }
}
