using LlmStrategies.VectorSearch;

namespace LlmStrategies.VectorData;

/// <summary>
/// A compiled collection filter: a conjunction of "indexed property is one of these values" conditions (the same shape as
/// <see cref="MetadataFilter"/>), with the parts each index can evaluate natively.
/// </summary>
internal sealed class RecordFilter
{
    public static readonly RecordFilter None = new([], matchesNothing: false);

    private readonly KeyValuePair<string, string[]>[] _conditions;

    public RecordFilter(KeyValuePair<string, string[]>[] conditions, bool matchesNothing)
    {
        _conditions = conditions;
        MatchesNothing = matchesNothing;

        // Single-valued conditions run inside the vector index (exact for every index kind); the rest are checked on
        // over-fetched candidates.
        foreach (var (field, values) in conditions)
        {
            if (values.Length == 1 && (IndexFilter?.Terms.Count ?? 0) < VectorFilter.MaxTerms)
            {
                IndexFilter = IndexFilter is null ? VectorFilter.Equal(field, values[0]) : IndexFilter.And(field, values[0]);
            }
        }

        NeedsPostFilter = conditions.Length > (IndexFilter?.Terms.Count ?? 0);
        foreach (var (field, values) in conditions)
        {
            KeywordFilter = KeywordFilter is null ? MetadataFilter.Where(field, values) : KeywordFilter.And(field, values);
        }
    }

    /// <summary>Gets a value indicating whether the filter is a contradiction (for example <c>r => false</c>).</summary>
    public bool MatchesNothing { get; }

    public VectorFilter? IndexFilter { get; }

    public bool NeedsPostFilter { get; }

    /// <summary>Gets the whole filter in the form the BM25 index evaluates exactly.</summary>
    public MetadataFilter? KeywordFilter { get; }

    public bool Matches(IReadOnlyDictionary<string, string> metadata)
    {
        if (MatchesNothing)
        {
            return false;
        }

        foreach (var (field, values) in _conditions)
        {
            if (!metadata.TryGetValue(field, out var value) || Array.IndexOf(values, value) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
