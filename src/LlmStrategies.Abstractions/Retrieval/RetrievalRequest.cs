namespace LlmStrategies;

/// <summary>A query for an <see cref="IRetriever"/>.</summary>
public sealed class RetrievalRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="query">The text to search for.</param>
    /// <param name="top">How many chunks to return at most; must be positive.</param>
    public RetrievalRequest(string query, int top)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        Query = query;
        Top = top;
    }

    /// <summary>Gets the text to search for.</summary>
    public string Query { get; }

    /// <summary>Gets the maximum number of chunks to return.</summary>
    public int Top { get; }
}
