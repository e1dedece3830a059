namespace LlmStrategies.VectorSearch;

/// <summary>How <see cref="VectorIndexFile.Load{TKey}"/> reads an index file.</summary>
public sealed record VectorIndexLoadOptions
{
    /// <summary>
    /// Map the file into memory and read the float32 rows from the mapping instead of copying them (the operating system
    /// pages them in on demand and can share them between processes). The index then holds the file open until it is
    /// disposed; the first write that needs more room copies the rows into managed memory. Default false.
    /// </summary>
    public bool MemoryMap { get; init; }

    /// <summary>Verify the payload checksum before using the file. Default true; turning it off only makes sense for memory-mapped files you trust, to avoid reading every page at load.</summary>
    public bool VerifyChecksum { get; init; } = true;

    /// <summary>When set, loading fails unless the file's dimension equals this.</summary>
    public int? ExpectedDimension { get; init; }

    /// <summary>When set, loading fails unless the file's metric equals this.</summary>
    public VectorMetric? ExpectedMetric { get; init; }
}
