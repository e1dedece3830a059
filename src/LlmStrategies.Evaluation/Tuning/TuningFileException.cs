namespace LlmStrategies.Tuning;

/// <summary>A search-space, tuned-configuration or tuning-report file is corrupt, of an unsupported version, or of another kind.</summary>
public sealed class TuningFileException : IOException
{
    /// <summary>Creates an exception.</summary>
    public TuningFileException()
        : this("The tuning file is invalid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TuningFileException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TuningFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception for a file.</summary>
    /// <param name="path">The file (or a description of the text's source).</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TuningFileException(string path, string problem, Exception? innerException)
        : base($"'{path}': {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the file.</summary>
    public string Path { get; }
}
