namespace LlmStrategies.Embeddings.Local;

/// <summary>
/// The Universal Sentence Encoder Lite model files are missing, corrupt or not the expected version.
/// The message names the file (or the download URL and the reason), the directory and how to fix it.
/// </summary>
public sealed class LocalEmbeddingModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LocalEmbeddingModelException()
        : this(string.Empty, "The local embedding model could not be loaded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public LocalEmbeddingModelException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public LocalEmbeddingModelException(string message, Exception innerException)
        : base(message, innerException)
    {
        ModelDirectory = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="modelDirectory">The directory the model was expected in.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public LocalEmbeddingModelException(string modelDirectory, string message)
        : base(message)
    {
        ModelDirectory = modelDirectory;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="modelDirectory">The directory the model was expected in.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public LocalEmbeddingModelException(string modelDirectory, string message, Exception innerException)
        : base(message, innerException)
    {
        ModelDirectory = modelDirectory;
    }

    /// <summary>The directory the model was expected in.</summary>
    public string ModelDirectory { get; }
}
