namespace LlmStrategies.VectorSearch;

/// <summary>
/// A metadata filter: every term is <c>field == value</c> and all terms must hold. Build it once and reuse it:
/// each search resolves the terms against the index's per-field value columns without allocating, then tests
/// one integer per term only for rows whose score could enter the top-k.
/// </summary>
/// <remarks>
/// A field is known to an index once any entry carrying it has been added. Searching with a field the index has
/// never seen throws <see cref="ArgumentException"/> (a misspelt field would otherwise silently return nothing);
/// a known field with a value no entry carries simply matches no row.
/// </remarks>
public sealed class VectorFilter
{
    /// <summary>The largest number of terms one filter can hold.</summary>
    public const int MaxTerms = 8;

    private readonly KeyValuePair<string, string>[] _terms;

    private VectorFilter(KeyValuePair<string, string>[] terms) => _terms = terms;

    /// <summary>The <c>field == value</c> terms, all of which must hold.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Terms => _terms;

    /// <summary>Creates a filter with one term: <paramref name="field"/> equals <paramref name="value"/>.</summary>
    /// <param name="field">The metadata field name, matched with ordinal comparison.</param>
    /// <param name="value">The value the field must have, matched with ordinal comparison.</param>
    /// <returns>The filter.</returns>
    public static VectorFilter Equal(string field, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        return new VectorFilter([new KeyValuePair<string, string>(field, value)]);
    }

    /// <summary>Returns a new filter that also requires <paramref name="field"/> to equal <paramref name="value"/>.</summary>
    /// <param name="field">The metadata field name.</param>
    /// <param name="value">The value the field must have.</param>
    /// <returns>A filter with one more term; this instance is unchanged.</returns>
    /// <exception cref="InvalidOperationException">The filter already has <see cref="MaxTerms"/> terms.</exception>
    public VectorFilter And(string field, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        if (_terms.Length >= MaxTerms)
        {
            throw new InvalidOperationException($"A VectorFilter holds at most {MaxTerms} terms; this one already has {_terms.Length}. Store a combined field in the metadata instead.");
        }

        var terms = new KeyValuePair<string, string>[_terms.Length + 1];
        _terms.CopyTo(terms, 0);
        terms[^1] = new KeyValuePair<string, string>(field, value);
        return new VectorFilter(terms);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(" && ", _terms.Select(t => $"{t.Key} == \"{t.Value}\""));
}
