using System.Globalization;

namespace LlmStrategies.Evaluation;

/// <summary>How a test item was found in a source.</summary>
public enum LeakageKind
{
    /// <summary>The normalised texts are identical (SQuAD normalisation, then a hash).</summary>
    Exact,

    /// <summary>The word-shingle Jaccard similarity reaches the threshold (MinHash candidates, verified exactly).</summary>
    NearDuplicate,

    /// <summary>The embedding cosine similarity reaches the threshold.</summary>
    Semantic,
}

/// <summary>A test item that also appears, exactly or nearly, in a source.</summary>
/// <param name="TestItemId">The test item.</param>
/// <param name="SourceName">The source's name.</param>
/// <param name="SourceEntryId">The matching entry of the source.</param>
/// <param name="Kind">How it matched.</param>
/// <param name="Similarity">1 for exact matches, the Jaccard similarity for near-duplicates, the cosine for semantic ones.</param>
public sealed record LeakageFinding(string TestItemId, string SourceName, string SourceEntryId, LeakageKind Kind, double Similarity)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TestItemId} ~ {SourceName}:{SourceEntryId} ({Kind}, {Similarity:F3})");
}
