namespace LlmStrategies.Tuning;

/// <summary>A tuned configuration rebuilt today does not give the strategy that was tuned: a component (corpus, index, model, prompt) or the configure function changed.</summary>
public sealed class TunedConfigurationMismatchException : InvalidOperationException
{
    /// <summary>Creates an exception.</summary>
    public TunedConfigurationMismatchException()
        : this("The rebuilt strategy differs from the tuned one.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TunedConfigurationMismatchException(string message)
        : base(message)
    {
        Expected = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TunedConfigurationMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Expected = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Creates an exception for two fingerprints.</summary>
    /// <param name="message">The message, naming the first setting that differs.</param>
    /// <param name="expected">The tuned fingerprint.</param>
    /// <param name="actual">The rebuilt strategy's fingerprint.</param>
    public TunedConfigurationMismatchException(string message, string expected, string actual)
        : base(message)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the tuned fingerprint.</summary>
    public string Expected { get; }

    /// <summary>Gets the rebuilt strategy's fingerprint.</summary>
    public string Actual { get; }
}
