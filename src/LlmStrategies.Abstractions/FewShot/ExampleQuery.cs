namespace LlmStrategies;

/// <summary>Which examples an <see cref="IExampleStore"/> lists: all conditions that are set must hold.</summary>
public sealed class ExampleQuery
{
    /// <summary>Gets the label the examples must have, or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Gets a tag the examples must have, or <see langword="null"/>.</summary>
    public string? Tag { get; init; }

    /// <summary>Gets metadata the examples must match, or <see langword="null"/>.</summary>
    public MetadataFilter? Filter { get; init; }

    /// <summary>Tests an example against the query.</summary>
    /// <param name="example">The example.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(FewShotExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return (Label is null || string.Equals(example.Label, Label, StringComparison.Ordinal))
            && (Tag is null || example.Tags.Contains(Tag, StringComparer.Ordinal))
            && (Filter is null || Filter.Matches(example.Metadata));
    }
}
