namespace LlmStrategies.VectorSearch;

/// <summary>
/// An index file cannot be loaded: it is not an index file, was written by an unsupported format version, is
/// truncated or corrupt (checksum mismatch), or does not match what the caller expects (dimension, metric, key type).
/// The message names the file, what is wrong and what to do.
/// </summary>
public sealed class VectorIndexFormatException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public VectorIndexFormatException()
        : base("The vector index file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public VectorIndexFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public VectorIndexFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="offset">The byte offset where the problem was found, when known.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    internal VectorIndexFormatException(string path, string problem, long? offset, Exception? innerException = null)
        : base(Describe(path, problem, offset), innerException)
    {
        FilePath = path;
        Offset = offset;
    }

    /// <summary>The file that failed to load, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The byte offset where the problem was found, when known.</summary>
    public long? Offset { get; }

    private static string Describe(string path, string problem, long? offset) =>
        $"Cannot load the vector index file '{path}'{(offset is { } o ? $" (at byte offset {o})" : string.Empty)}: {problem}";
}
