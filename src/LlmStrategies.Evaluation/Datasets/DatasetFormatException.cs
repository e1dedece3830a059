namespace LlmStrategies.Evaluation;

/// <summary>A dataset, split manifest or checkpoint file is malformed; <see cref="Errors"/> lists every problem found.</summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>Creates an exception.</summary>
    public DatasetFormatException()
        : this("The dataset is malformed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DatasetFormatException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates an exception listing malformed records.</summary>
    /// <param name="errors">The errors; at least one.</param>
    public DatasetFormatException(IReadOnlyList<DatasetError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every malformed record found (the loader reads the whole file before failing).</summary>
    public IReadOnlyList<DatasetError> Errors { get; }

    private static string Describe(IReadOnlyList<DatasetError> errors)
    {
        var listing = DatasetError.Listing(errors);
        return $"{errors.Count} malformed record(s); fix them, or load with SkipInvalid = true to collect them in the dataset's Errors instead:{listing}";
    }
}
