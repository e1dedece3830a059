namespace LlmStrategies;

/// <summary>
/// Restricts retrieval (or few-shot selection) to items whose metadata match every condition: a conjunction of
/// "field is one of these values" tests, compared ordinally.
/// </summary>
/// <example><code>var filter = MetadataFilter.Where("product", "router").And("language", "en", "de");</code></example>
public sealed class MetadataFilter
{
    private readonly KeyValuePair<string, string[]>[] _conditions;

    private MetadataFilter(KeyValuePair<string, string[]>[] conditions) => _conditions = conditions;

    /// <summary>Gets the conditions: each field name with the values it may take.</summary>
    public IReadOnlyList<KeyValuePair<string, string[]>> Conditions => _conditions;

    /// <summary>Creates a filter with one condition.</summary>
    /// <param name="field">The metadata field; must not be empty.</param>
    /// <param name="allowedValues">The values the field may take; at least one.</param>
    /// <returns>The filter.</returns>
    public static MetadataFilter Where(string field, params string[] allowedValues) => new([Condition(field, allowedValues)]);

    /// <summary>Returns a new filter that also requires <paramref name="field"/> to take one of <paramref name="allowedValues"/>.</summary>
    /// <param name="field">The metadata field; must not be empty.</param>
    /// <param name="allowedValues">The values the field may take; at least one.</param>
    /// <returns>The combined filter; this instance is unchanged.</returns>
    public MetadataFilter And(string field, params string[] allowedValues) => new([.. _conditions, Condition(field, allowedValues)]);

    /// <summary>Tests metadata against every condition.</summary>
    /// <param name="metadata">The item's metadata; a missing field fails its condition.</param>
    /// <returns><see langword="true"/> when every condition holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var (field, allowed) in _conditions)
        {
            if (!metadata.TryGetValue(field, out var value) || Array.IndexOf(allowed, value) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(" AND ", _conditions.Select(c => $"{c.Key} IN ({string.Join(", ", c.Value)})"));

    private static KeyValuePair<string, string[]> Condition(string field, string[] allowedValues)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentNullException.ThrowIfNull(allowedValues);
        if (allowedValues.Length == 0)
        {
            throw new ArgumentException($"The condition on metadata field '{field}' lists no allowed values; pass at least one value.", nameof(allowedValues));
        }

        foreach (var value in allowedValues)
        {
            if (value is null)
            {
                throw new ArgumentException($"The condition on metadata field '{field}' contains a null value; metadata values are non-null strings.", nameof(allowedValues));
            }
        }

        return new(field, (string[])allowedValues.Clone());
    }
}
