namespace LlmStrategies.Retrieval;

/// <summary>A file this library persists (an index or a store) is foreign, of an unsupported version, truncated or corrupt.</summary>
public sealed class IndexFormatException : IOException
{
    /// <summary>Creates an exception.</summary>
    public IndexFormatException()
        : this("The index file is invalid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public IndexFormatException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public IndexFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates an exception for a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IndexFormatException(string path, string problem, Exception? innerException)
        : base($"Cannot load '{path}': {problem} Restore it from a backup, or rebuild it from its source data and save it again.", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the file that failed to load.</summary>
    public string Path { get; }
}
