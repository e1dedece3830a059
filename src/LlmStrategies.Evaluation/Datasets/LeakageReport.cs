namespace LlmStrategies.Evaluation;

/// <summary>The overlap between a test split and the material a strategy learns or retrieves from.</summary>
public sealed class LeakageReport
{
    internal LeakageReport(int testItems, IReadOnlyList<string> sources, IReadOnlyList<LeakageFinding> findings)
    {
        TestItemCount = testItems;
        Sources = sources;
        Findings = findings;
    }

    /// <summary>Gets how many test items were checked.</summary>
    public int TestItemCount { get; }

    /// <summary>Gets the names of the sources checked.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Gets every overlap found, most similar first.</summary>
    public IReadOnlyList<LeakageFinding> Findings { get; }

    /// <summary>Gets a value indicating whether no overlap was found.</summary>
    public bool IsClean => Findings.Count == 0;

    /// <summary>Gets the ids of the test items that leak into any source.</summary>
    public IReadOnlyList<string> LeakingTestItems => Findings.Select(f => f.TestItemId).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Throws when any overlap was found.</summary>
    /// <exception cref="DataLeakageException">At least one test item overlaps a source.</exception>
    public void ThrowIfLeaking()
    {
        if (!IsClean)
        {
            throw new DataLeakageException(this);
        }
    }

    /// <summary>Summarises the report in one line.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsClean
        ? $"No leakage: {TestItemCount} test items against {string.Join(", ", Sources)}."
        : $"{LeakingTestItems.Count} of {TestItemCount} test items overlap {string.Join(", ", Findings.Select(f => f.SourceName).Distinct(StringComparer.Ordinal))}: {string.Join("; ", Findings.Take(5))}{(Findings.Count > 5 ? "; ..." : string.Empty)}";
}

/// <summary>Test items overlap the few-shot pool, the RAG corpus or the fine-tuning data, so their scores would be inflated.</summary>
public sealed class DataLeakageException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DataLeakageException()
        : base("Test items leak into training material.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DataLeakageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataLeakageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception from a report.</summary>
    /// <param name="report">The report.</param>
    public DataLeakageException(LeakageReport report)
        : base($"{report?.ToString()} Remove these items from the test split or from the sources (or re-split with SplitOptions.GroupBy), then rerun.")
    {
        Report = report;
    }

    /// <summary>Gets the report, when the exception came from one.</summary>
    public LeakageReport? Report { get; }
}
