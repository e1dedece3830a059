namespace LlmStrategies.VectorSearch;

/// <summary>Parameters of a <see cref="HnswVectorIndex{TKey}"/> graph (the names follow the HNSW paper and hnswlib).</summary>
public sealed record HnswOptions
{
    /// <summary>Links per node on the upper layers; layer 0 keeps up to 2·M. Default 16. Larger M raises recall and memory.</summary>
    public int M { get; init; } = 16;

    /// <summary>Candidate list size while inserting. Default 200. Larger values build slower and give a better graph.</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>Default candidate list size while searching (at least k is used). Default 64; see <see cref="HnswVectorIndex{TKey}.EfSearch"/>.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Seed of the layer assignment. With <see cref="BuildParallelism"/> 1 the same inserts in the same order give the same graph.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>
    /// Threads that insert the rows of one <see cref="VectorIndex{TKey}.AddRange"/> / <see cref="VectorIndex{TKey}.UpsertRange"/>
    /// batch. Default 1 (deterministic). More threads build faster, but the graph then depends on thread timing.
    /// </summary>
    public int BuildParallelism { get; init; } = 1;

    internal void Validate()
    {
        if (M is < 2 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "HnswOptions.M must be between 2 and 256 (16 is typical).");
        }

        if (EfConstruction < M)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, $"HnswOptions.EfConstruction must be at least M ({M}); 200 is typical.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(EfSearch, 1, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfLessThan(BuildParallelism, 1, nameof(BuildParallelism));
    }
}
