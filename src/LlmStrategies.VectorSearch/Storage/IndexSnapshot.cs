using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LlmStrategies.VectorSearch.Filtering;

namespace LlmStrategies.VectorSearch.Storage;

/// <summary>
/// What one search sees: the rows, keys and metadata of slots <c>[0, Count)</c>, published atomically by the writer.
/// Every array here is either frozen or only appended to beyond <see cref="Count"/> (the deletion bitmap is copied on
/// write), so a reader holding this object reads a consistent set of complete rows without locks.
/// </summary>
internal sealed class IndexSnapshot<TKey>
    where TKey : notnull
{
    public required FloatRowBuffer Rows { get; init; }

    public required TKey[] Keys { get; init; }

    public required IReadOnlyDictionary<string, string>?[] Metadata { get; init; }

    public required ulong[] Deleted { get; init; }

    public required MetadataColumns Columns { get; init; }

    public required ConcurrentDictionary<TKey, int> Slots { get; init; }

    /// <summary>Slots in use, live or deleted.</summary>
    public required int Count { get; init; }

    /// <summary>Slots not deleted.</summary>
    public required int LiveCount { get; init; }

    /// <summary>Index-kind state (int8 codes, HNSW graph) consistent with <see cref="Count"/>.</summary>
    public object? Extension { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsLive(int slot) => (Deleted[slot >> 6] & (1UL << slot)) == 0;
}
