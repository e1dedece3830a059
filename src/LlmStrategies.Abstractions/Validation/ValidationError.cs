namespace LlmStrategies;

/// <summary>One reason a request or an answer was found invalid.</summary>
public sealed class ValidationError
{
    /// <summary>Creates an error.</summary>
    /// <param name="source">The validator (or rule) that found the problem.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public ValidationError(string source, string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        Source = source;
        Message = message;
    }

    /// <summary>Gets the validator (or rule) that found the problem.</summary>
    public string Source { get; }

    /// <summary>Gets what is wrong and how to fix it.</summary>
    public string Message { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Source}: {Message}";
}
