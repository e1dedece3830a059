namespace LlmStrategies;

/// <summary>A query for an <see cref="IRetriever"/>.</summary>
public sealed class RetrievalRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="query">The text to search for.</param>
    /// <param name="top">How many chunks to return at most; must be positive.</param>
    /// <param name="filter">Metadata every returned chunk must match, or <see langword="null"/> for no restriction.</param>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is zero or negative.</exception>
    public RetrievalRequest(string query, int top, MetadataFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        Query = query;
        Top = top;
        Filter = filter;
    }

    /// <summary>Gets the text to search for.</summary>
    public string Query { get; }

    /// <summary>Gets the maximum number of chunks to return.</summary>
    public int Top { get; }

    /// <summary>Gets the metadata every returned chunk must match, or <see langword="null"/>.</summary>
    public MetadataFilter? Filter { get; }
}
