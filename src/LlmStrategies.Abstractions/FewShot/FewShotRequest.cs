namespace LlmStrategies;

/// <summary>What an <see cref="IFewShotSelector"/> selects examples for.</summary>
public sealed class FewShotRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="input">The current input (usually the user's question).</param>
    /// <param name="count">How many examples to select at most; zero selects none.</param>
    /// <param name="filter">Metadata every selected example must match, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public FewShotRequest(string input, int count, MetadataFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Input = input;
        Count = count;
        Filter = filter;
    }

    /// <summary>Gets the current input.</summary>
    public string Input { get; }

    /// <summary>Gets the maximum number of examples to select.</summary>
    public int Count { get; }

    /// <summary>Gets the metadata every selected example must match, or <see langword="null"/>.</summary>
    public MetadataFilter? Filter { get; }
}
