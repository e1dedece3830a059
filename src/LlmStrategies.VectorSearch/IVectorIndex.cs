namespace LlmStrategies.VectorSearch;

/// <summary>
/// A searchable set of vectors stored under keys, implemented by <see cref="FlatVectorIndex{TKey}"/> (exact),
/// <see cref="QuantizedVectorIndex{TKey}"/> (int8 with float32 re-scoring) and <see cref="HnswVectorIndex{TKey}"/>
/// (approximate graph), so callers can swap them.
/// </summary>
/// <typeparam name="TKey">The key type, for example a chunk id string.</typeparam>
/// <remarks>
/// <para><b>Concurrency.</b> Any number of threads may search while writes happen. Writes are serialised by an internal
/// lock (one writer at a time; concurrent writers wait). A search works on the snapshot of rows published when it
/// started: it never sees a partially written vector, never returns a key that was not present when it started, and
/// returns the vector stored for that key at that time. A key removed or replaced while the search runs may still be
/// returned by that search. Do not dispose the index while searches run.</para>
/// <para><b>Scores.</b> Higher is better for every metric; results are ordered by score descending, ties by the older
/// entry (earlier insertion) first.</para>
/// </remarks>
public interface IVectorIndex<TKey> : IDisposable
    where TKey : notnull
{
    /// <summary>The length every vector and query must have.</summary>
    int Dimension { get; }

    /// <summary>How vectors are compared.</summary>
    VectorMetric Metric { get; }

    /// <summary>The number of keys stored.</summary>
    int Count { get; }

    /// <summary>Adds a vector under a new key.</summary>
    /// <param name="key">The key; must not be stored yet.</param>
    /// <param name="vector">The vector, <see cref="Dimension"/> finite values.</param>
    /// <param name="metadata">Optional fields for <see cref="VectorFilter"/>.</param>
    void Add(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null);

    /// <summary>Adds many vectors under new keys in one write (one snapshot publication).</summary>
    /// <param name="entries">The entries; no key may be stored yet or repeat.</param>
    void AddRange(IEnumerable<VectorEntry<TKey>> entries);

    /// <summary>Adds or replaces the vector and metadata stored under a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="vector">The vector, <see cref="Dimension"/> finite values.</param>
    /// <param name="metadata">Optional fields for <see cref="VectorFilter"/>; replaces the previous metadata.</param>
    void Upsert(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null);

    /// <summary>Adds or replaces many entries in one write; a key repeated in the batch keeps its last entry.</summary>
    /// <param name="entries">The entries.</param>
    void UpsertRange(IEnumerable<VectorEntry<TKey>> entries);

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when the key was stored.</returns>
    bool Remove(TKey key);

    /// <summary>Removes many keys in one write.</summary>
    /// <param name="keys">The keys; unknown keys are ignored.</param>
    /// <returns>How many keys were removed.</returns>
    int RemoveRange(IEnumerable<TKey> keys);

    /// <summary>Whether a key is stored.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when stored.</returns>
    bool Contains(TKey key);

    /// <summary>Copies the stored vector of a key (unit-normalised for <see cref="VectorMetric.Cosine"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="destination">At least <see cref="Dimension"/> floats.</param>
    /// <returns>False when the key is not stored.</returns>
    bool TryGetVector(TKey key, Span<float> destination);

    /// <summary>Gets the metadata stored with a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="metadata">The metadata (null when none was given), or null when the key is not stored.</param>
    /// <returns>False when the key is not stored.</returns>
    bool TryGetMetadata(TKey key, out IReadOnlyDictionary<string, string>? metadata);

    /// <summary>Finds the best <paramref name="k"/> entries for a query. Allocates the returned array only.</summary>
    /// <param name="query">The query, <see cref="Dimension"/> finite values.</param>
    /// <param name="k">How many results at most.</param>
    /// <param name="filter">Optional metadata filter.</param>
    /// <returns>At most <paramref name="k"/> results, best first.</returns>
    VectorSearchResult<TKey>[] Search(ReadOnlySpan<float> query, int k, VectorFilter? filter = null);

    /// <summary>Finds the best <c>destination.Length</c> entries for a query without allocating.</summary>
    /// <param name="query">The query, <see cref="Dimension"/> finite values.</param>
    /// <param name="destination">Receives the results, best first; its length is k.</param>
    /// <param name="filter">Optional metadata filter.</param>
    /// <returns>How many results were written (less than k when fewer entries match).</returns>
    int SearchInto(ReadOnlySpan<float> query, Span<VectorSearchResult<TKey>> destination, VectorFilter? filter = null);

    /// <summary>Searches many queries in one call, optionally on several cores.</summary>
    /// <param name="queries">The queries, row-major: a multiple of <see cref="Dimension"/> values.</param>
    /// <param name="k">Results per query.</param>
    /// <param name="results">Receives query <c>i</c>'s results at <c>[i·k, i·k + counts[i])</c>; at least queries × k.</param>
    /// <param name="counts">Receives how many results each query got; at least one per query.</param>
    /// <param name="filter">Optional metadata filter applied to every query.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 1 (the default) searches on the calling thread without allocating.</param>
    void SearchBatch(ReadOnlySpan<float> queries, int k, Span<VectorSearchResult<TKey>> results, Span<int> counts, VectorFilter? filter = null, int maxDegreeOfParallelism = 1);
}
