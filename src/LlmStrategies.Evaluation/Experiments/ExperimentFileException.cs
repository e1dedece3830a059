namespace LlmStrategies.Experiments;

/// <summary>A checkpoint, response cache or report file is corrupt, of an unsupported version, or belongs to another experiment.</summary>
public sealed class ExperimentFileException : IOException
{
    /// <summary>Creates an exception.</summary>
    public ExperimentFileException()
        : this("The experiment file is invalid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ExperimentFileException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExperimentFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception for a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ExperimentFileException(string path, string problem, Exception? innerException)
        : base($"'{path}': {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the file.</summary>
    public string Path { get; }
}
