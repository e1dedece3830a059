using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Kernels;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <summary>
/// The shared implementation of <see cref="IVectorIndex{TKey}"/>: key and metadata bookkeeping, argument checks,
/// snapshot publication for lock-free readers, and allocation-free query preparation. The index kinds derive from it;
/// it cannot be derived from outside this assembly.
/// </summary>
/// <typeparam name="TKey">The key type. Keys are compared with the comparer given at construction (default: <see cref="EqualityComparer{T}.Default"/>).</typeparam>
public abstract unsafe class VectorIndex<TKey> : IVectorIndex<TKey>
    where TKey : notnull
{
    /// <summary>The largest supported dimension (rows of 4 MiB); embedding models use 256 to 4,096.</summary>
    internal const int MaxDimension = 1 << 20;

    /// <summary><see cref="MaxDimension"/> as written in messages.</summary>
    internal const string MaxDimensionText = "1,048,576";

    private const int StackLimit = 1024;
    private const int MinimumCompaction = 64;

    private readonly Lock _writeLock = new();
    private IndexSnapshot<TKey> _snapshot;
    private MappedIndexFile? _mapping;
    private bool _disposed;

    // Writer-side state; published to readers through _snapshot.
    private FloatRowBuffer _rows;
    private TKey[] _keys;
    private IReadOnlyDictionary<string, string>?[] _metadata;
    private ulong[] _deleted;
    private MetadataColumns _columns;
    private ConcurrentDictionary<TKey, int> _slots;
    private int _count;
    private int _live;
    private bool _deletedPrivate;
    private BatchRunner<TKey>? _batchRunner;

    private protected VectorIndex(int dimension, VectorMetric metric, IEqualityComparer<TKey>? keyComparer, int initialCapacity)
    {
        if (dimension is < 1 or > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The dimension must be between 1 and {MaxDimensionText}; embedding models use 256 to 4,096.");
        }

        if (metric is not (VectorMetric.DotProduct or VectorMetric.Cosine or VectorMetric.Euclidean))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Use VectorMetric.DotProduct, Cosine or Euclidean.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        Dimension = dimension;
        Metric = metric;
        KeyComparer = keyComparer ?? EqualityComparer<TKey>.Default;
        var capacity = Math.Max(initialCapacity, 16);
        _rows = FloatRowBuffer.Allocate(capacity, dimension);
        _keys = new TKey[capacity];
        _metadata = new IReadOnlyDictionary<string, string>?[capacity];
        _deleted = new ulong[(capacity + 63) >> 6];
        _columns = new MetadataColumns(capacity);
        _slots = new ConcurrentDictionary<TKey, int>(KeyComparer);
        _snapshot = BuildSnapshot(null);
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <summary>How keys are compared.</summary>
    public IEqualityComparer<TKey> KeyComparer { get; }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _snapshot).LiveCount;

    /// <summary>The snapshot searches use now.</summary>
    internal IndexSnapshot<TKey> Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Whether this kind reclaims the slots of removed rows by compacting (the graph index keeps them as routing nodes).</summary>
    private protected virtual bool CompactsRemovedRows => true;

    /// <inheritdoc />
    public void Add(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ValidateEntry(key, vector, metadata, nameof(vector));
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (_slots.ContainsKey(key))
            {
                throw new ArgumentException($"The key '{key}' is already stored. Use Upsert to replace its vector.", nameof(key));
            }

            var start = _count;
            EnsureCapacity(_count + 1);
            WriteRow(key, vector, metadata);
            CommitAppend(start, [key], []);
        }
    }

    /// <inheritdoc />
    public void AddRange(IEnumerable<VectorEntry<TKey>> entries) => WriteRange(entries, upsert: false);

    /// <inheritdoc />
    public void Upsert(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ValidateEntry(key, vector, metadata, nameof(vector));
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var start = _count;
            var replaced = _slots.TryGetValue(key, out var old);
            EnsureCapacity(_count + 1);
            WriteRow(key, vector, metadata);
            CommitAppend(start, [key], replaced ? [old] : []);
            if (replaced)
            {
                CompactIfWorthwhile();
            }
        }
    }

    /// <inheritdoc />
    public void UpsertRange(IEnumerable<VectorEntry<TKey>> entries) => WriteRange(entries, upsert: true);

    /// <inheritdoc />
    public bool Remove(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (!_slots.TryRemove(key, out var slot))
            {
                return false;
            }

            MarkDeleted(slot);
            Publish();
            CompactIfWorthwhile();
            return true;
        }
    }

    /// <inheritdoc />
    public int RemoveRange(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var removed = 0;
            foreach (var key in keys)
            {
                if (key is not null && _slots.TryRemove(key, out var slot))
                {
                    MarkDeleted(slot);
                    removed++;
                }
            }

            if (removed > 0)
            {
                Publish();
                CompactIfWorthwhile();
            }

            return removed;
        }
    }

    /// <inheritdoc />
    public bool Contains(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryGetSlot(key, out _, out _);
    }

    /// <inheritdoc />
    public bool TryGetVector(TKey key, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (destination.Length < Dimension)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; the index dimension is {Dimension}.", nameof(destination));
        }

        if (!TryGetSlot(key, out var snapshot, out var slot))
        {
            return false;
        }

        var mapping = snapshot.Rows.Mapping;
        mapping?.AddReader();
        try
        {
            snapshot.Rows.RowSpan(slot).CopyTo(destination);
        }
        finally
        {
            mapping?.RemoveReader();
        }

        return true;
    }

    /// <inheritdoc />
    public bool TryGetMetadata(TKey key, out IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!TryGetSlot(key, out var snapshot, out var slot))
        {
            metadata = null;
            return false;
        }

        metadata = snapshot.Metadata[slot];
        return true;
    }

    /// <inheritdoc />
    public VectorSearchResult<TKey>[] Search(ReadOnlySpan<float> query, int k, VectorFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var results = new VectorSearchResult<TKey>[Math.Min(k, Math.Max(Count, 1))];
        var found = SearchInto(query, results, filter);
        return found == results.Length ? results : results[..found];
    }

    /// <inheritdoc />
    public int SearchInto(ReadOnlySpan<float> query, Span<VectorSearchResult<TKey>> destination, VectorFilter? filter = null)
    {
        ValidateVector(query, nameof(query));
        var k = destination.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(destination));
        ThrowIfDisposed();
        var snapshot = Snapshot;
        var resolved = ResolvedFilter.Resolve(filter, snapshot.Columns);
        if (resolved.MatchesNothing || snapshot.LiveCount == 0)
        {
            return 0;
        }

        float[]? rentedQuery = null;
        float[]? rentedScores = null;
        int[]? rentedSlots = null;
        // Aligned to 64 bytes: every kernel step loads the query once, and a load split across two cache lines costs double.
        var padded = Dimension + 16;
        var unaligned = Dimension <= StackLimit ? stackalloc float[padded] : (rentedQuery = ArrayPool<float>.Shared.Rent(padded)).AsSpan(0, padded);
        var scores = k <= StackLimit ? stackalloc float[k] : (rentedScores = ArrayPool<float>.Shared.Rent(k)).AsSpan(0, k);
        var slots = k <= StackLimit ? stackalloc int[k] : (rentedSlots = ArrayPool<int>.Shared.Rent(k)).AsSpan(0, k);
        var mapping = snapshot.Rows.Mapping;
        mapping?.AddReader();
        try
        {
            int found;
            fixed (float* start = unaligned)
            {
                var q = Align64(start);
                PrepareQuery(query, new Span<float>(q, Dimension));
                found = SearchCore(snapshot, q, ref resolved, scores, slots);
            }

            var keys = snapshot.Keys;
            for (var i = 0; i < found; i++)
            {
                destination[i] = new VectorSearchResult<TKey>(keys[slots[i]], scores[i]);
            }

            return found;
        }
        finally
        {
            mapping?.RemoveReader();
            ReturnRented(rentedQuery, rentedScores, rentedSlots);
        }
    }

    /// <inheritdoc />
    public void SearchBatch(ReadOnlySpan<float> queries, int k, Span<VectorSearchResult<TKey>> results, Span<int> counts, VectorFilter? filter = null, int maxDegreeOfParallelism = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        if (queries.Length % Dimension != 0)
        {
            throw new ArgumentException($"The queries hold {queries.Length} floats, which is not a multiple of the index dimension {Dimension}.", nameof(queries));
        }

        var nq = queries.Length / Dimension;
        if (results.Length < (long)nq * k)
        {
            throw new ArgumentException($"The results span holds {results.Length} entries; {nq} queries × k = {k} need {(long)nq * k}.", nameof(results));
        }

        if (counts.Length < nq)
        {
            throw new ArgumentException($"The counts span holds {counts.Length} entries; {nq} queries need one each.", nameof(counts));
        }

        ThrowIfDisposed();
        if (nq == 0)
        {
            return;
        }

        for (var i = 0; i < nq; i++)
        {
            ValidateFinite(queries.Slice(i * Dimension, Dimension), nameof(queries));
        }

        var snapshot = Snapshot;
        var resolved = ResolvedFilter.Resolve(filter, snapshot.Columns);
        if (resolved.MatchesNothing || snapshot.LiveCount == 0)
        {
            counts[..nq].Clear();
            return;
        }

        var total = nq * k;
        var prepared = ArrayPool<float>.Shared.Rent(queries.Length + 16);
        var scores = ArrayPool<float>.Shared.Rent(total);
        var slots = ArrayPool<int>.Shared.Rent(total);
        var found = ArrayPool<int>.Shared.Rent(nq);
        var mapping = snapshot.Rows.Mapping;
        mapping?.AddReader();
        try
        {
            fixed (float* start = prepared)
            fixed (float* s = scores)
            fixed (int* sl = slots)
            fixed (int* f = found)
            {
                var q = Align64(start);
                for (var i = 0; i < nq; i++)
                {
                    PrepareQuery(queries.Slice(i * Dimension, Dimension), new Span<float>(q + ((long)i * Dimension), Dimension));
                }

                var work = new BatchWork(q, nq, k, s, sl, f);
                SearchBatchCore(snapshot, work, resolved, Math.Min(maxDegreeOfParallelism, nq));
            }

            var keys = snapshot.Keys;
            for (var i = 0; i < nq; i++)
            {
                var n = found[i];
                counts[i] = n;
                for (var j = 0; j < n; j++)
                {
                    results[(i * k) + j] = new VectorSearchResult<TKey>(keys[slots[(i * k) + j]], scores[(i * k) + j]);
                }
            }
        }
        finally
        {
            mapping?.RemoveReader();
            ArrayPool<float>.Shared.Return(prepared);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(slots);
            ArrayPool<int>.Shared.Return(found);
        }
    }

    /// <summary>
    /// Releases the memory mapping of an index loaded with memory mapping. Searches already running finish on the mapped
    /// memory (it is unmapped when the last one leaves); searches and writes started afterwards throw
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; see <see cref="Dispose()"/>.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (_writeLock)
        {
            _disposed = true;
            _mapping?.Dispose();
            _mapping = null;
            Interlocked.Exchange(ref _batchRunner, null)?.Dispose();
        }
    }

    /// <summary>Searches one prepared query; writes the best results sorted into <paramref name="scores"/>/<paramref name="slots"/> (k = their length) and returns how many.</summary>
    private protected abstract int SearchCore(IndexSnapshot<TKey> snapshot, float* query, ref ResolvedFilter filter, Span<float> scores, Span<int> slots);

    /// <summary>
    /// Searches many prepared queries, split into parts that run on the calling thread and, when
    /// <paramref name="parallelism"/> is above 1, on thread-pool workers (see <see cref="BatchRunner{TKey}"/>).
    /// </summary>
    private void SearchBatchCore(IndexSnapshot<TKey> snapshot, BatchWork work, ResolvedFilter filter, int parallelism)
    {
        var parts = BatchPartCount(work, parallelism);
        if (parallelism <= 1 || parts <= 1)
        {
            for (var part = 0; part < parts; part++)
            {
                SearchBatchPart(snapshot, work, ref filter, part, parts);
            }

            return;
        }

        var runner = Interlocked.Exchange(ref _batchRunner, null) ?? new BatchRunner<TKey>(this);
        try
        {
            runner.Run(snapshot, work, filter, parts, parallelism);
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _batchRunner, runner, null) is not null)
            {
                runner.Dispose();
            }
        }
    }

    /// <summary>How many parts a batch is split into: one when sequential, else several per thread so a worker that starts late still shares the work.</summary>
    private protected virtual int BatchPartCount(BatchWork work, int parallelism) => parallelism <= 1 ? 1 : Math.Min(work.QueryCount, parallelism * 4);

    /// <summary>Searches part <paramref name="part"/> of <paramref name="parts"/> of a batch; the default runs <see cref="SearchCore"/> per query.</summary>
    internal virtual void SearchBatchPart(IndexSnapshot<TKey> snapshot, BatchWork work, ref ResolvedFilter filter, int part, int parts)
    {
        var chunk = (work.QueryCount + parts - 1) / parts;
        var from = part * chunk;
        var to = Math.Min(work.QueryCount, from + chunk);
        var k = work.K;
        for (var i = from; i < to; i++)
        {
            var scores = new Span<float>(work.Scores + ((long)i * k), k);
            var slots = new Span<int>(work.Slots + ((long)i * k), k);
            work.Counts[i] = SearchCore(snapshot, work.Queries + ((long)i * Dimension), ref filter, scores, slots);
        }
    }

    /// <summary>Called under the write lock after rows <c>[from, to)</c> were written and before they are published.</summary>
    private protected abstract void OnRowsAppended(FloatRowBuffer rows, int from, int to);

    /// <summary>Called under the write lock after persisted rows <c>[0, count)</c> were loaded; the default treats them as appended.</summary>
    private protected virtual void OnRowsLoaded(FloatRowBuffer rows, int count) => OnRowsAppended(rows, 0, count);

    /// <summary>Called under the write lock when storage grows to <paramref name="capacity"/> slots, of which <paramref name="used"/> are in use.</summary>
    private protected abstract void OnCapacityChanged(int capacity, int used);

    /// <summary>Called under the write lock after compaction renumbered the live rows to <c>[0, count)</c>.</summary>
    private protected abstract void OnCompacted(FloatRowBuffer rows, int capacity, int count);

    /// <summary>Returns the kind-specific state to publish with the next snapshot.</summary>
    private protected abstract object? CaptureExtension();

    /// <summary>Writer side (under the write lock): whether any slot in use is removed.</summary>
    private protected bool HasRemovedRows => _live != _count;

    /// <summary>Writer side (under the write lock): whether <paramref name="slot"/> is removed.</summary>
    private protected bool IsRemovedForWriter(int slot) => (_deleted[slot >> 6] & (1UL << slot)) != 0;

    /// <summary>Scores one prepared query against one stored row with this index's metric.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected float Score(float* query, float* row) =>
        Metric == VectorMetric.Euclidean ? FloatKernels.NegativeSquaredL2(query, row, Dimension) : FloatKernels.Dot(query, row, Dimension);

    /// <summary>Loads persisted rows into an empty index (used by <see cref="VectorIndexFile"/>).</summary>
    internal void LoadRows(FloatRowBuffer rows, TKey[] keys, IReadOnlyDictionary<string, string>?[] metadata, ulong[] deleted, int count, MappedIndexFile? mapping)
    {
        lock (_writeLock)
        {
            var capacity = Math.Max(count, 16);
            _rows = rows.Capacity >= capacity || rows.IsMapped ? rows : rows.CopyTo(capacity, count);
            capacity = Math.Max(_rows.Capacity, count);
            _keys = keys.Length >= capacity ? keys : Grow(keys, capacity);
            _metadata = metadata.Length >= capacity ? metadata : Grow(metadata, capacity);
            _deleted = deleted.Length >= (capacity + 63) >> 6 ? deleted : Grow(deleted, (capacity + 63) >> 6);
            _columns = new MetadataColumns(capacity);
            _slots = new ConcurrentDictionary<TKey, int>(KeyComparer);
            _count = count;
            _live = 0;
            _mapping = mapping;
            for (var slot = 0; slot < count; slot++)
            {
                _columns.Set(slot, _metadata[slot]);
                if ((_deleted[slot >> 6] & (1UL << slot)) == 0)
                {
                    if (!_slots.TryAdd(_keys[slot], slot))
                    {
                        throw new InvalidDataException($"The key '{_keys[slot]}' is stored twice.");
                    }

                    _live++;
                }
            }

            OnCapacityChanged(capacity, 0);
            OnRowsLoaded(_rows, count);
        }
    }

    /// <summary>Publishes the loaded state once the kind-specific state is restored.</summary>
    internal void PublishLoaded() => Publish();

    /// <summary>Runs <paramref name="action"/> under the write lock (persistence reads a consistent state).</summary>
    internal T UnderWriteLock<T>(Func<IndexSnapshot<TKey>, T> action)
    {
        lock (_writeLock)
        {
            ThrowIfDisposed();
            return action(Snapshot);
        }
    }

    private void WriteRange(IEnumerable<VectorEntry<TKey>> entries, bool upsert)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries as IReadOnlyList<VectorEntry<TKey>> ?? entries.ToList();
        var seen = new Dictionary<TKey, int>(list.Count, KeyComparer);
        for (var i = 0; i < list.Count; i++)
        {
            var entry = list[i];
            if (entry.Key is null)
            {
                throw new ArgumentException($"Entry {i} has a null key.", nameof(entries));
            }

            ValidateEntry(entry.Key, entry.Vector.Span, entry.Metadata, $"{nameof(entries)}[{i}]");
            if (!seen.TryAdd(entry.Key, i))
            {
                if (!upsert)
                {
                    throw new ArgumentException($"The key '{entry.Key}' appears twice in the batch (entries {seen[entry.Key]} and {i}).", nameof(entries));
                }

                seen[entry.Key] = i;
            }
        }

        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (!upsert)
            {
                foreach (var entry in list)
                {
                    if (_slots.ContainsKey(entry.Key))
                    {
                        throw new ArgumentException($"The key '{entry.Key}' is already stored. Use UpsertRange to replace vectors.", nameof(entries));
                    }
                }
            }

            var start = _count;
            var appended = new List<TKey>(seen.Count);
            var replaced = new List<int>();
            EnsureCapacity(_count + seen.Count);
            for (var i = 0; i < list.Count; i++)
            {
                var entry = list[i];
                if (seen[entry.Key] != i)
                {
                    continue; // a later entry of the batch replaces this one
                }

                if (_slots.TryGetValue(entry.Key, out var old))
                {
                    replaced.Add(old);
                }

                WriteRow(entry.Key, entry.Vector.Span, entry.Metadata);
                appended.Add(entry.Key);
            }

            CommitAppend(start, appended, replaced);
            if (replaced.Count > 0)
            {
                CompactIfWorthwhile();
            }
        }
    }

    private void WriteRow(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata)
    {
        var slot = _count;
        var row = _rows.RowSpan(slot);
        if (Metric == VectorMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(vector);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"The vector for key '{key}' has norm {norm}; cosine similarity needs a non-zero, finite vector.", nameof(vector));
            }

            TensorPrimitives.Divide(vector, norm, row);
        }
        else
        {
            vector.CopyTo(row);
        }

        _keys[slot] = key;
        var copy = metadata is null ? null : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        _metadata[slot] = copy;
        _columns.Set(slot, copy);
        _count++;
        _live++;
    }

    private void CommitAppend(int start, List<TKey> keys, List<int> replacedSlots)
    {
        OnRowsAppended(_rows, start, _count);

        // The replaced rows are retired in the same snapshot that makes their replacements visible, so a search sees
        // exactly one row per key.
        foreach (var slot in replacedSlots)
        {
            MarkDeleted(slot);
        }

        Publish();

        // Keys become visible through the map only after their rows are published (readers check slot < Count anyway).
        for (var i = 0; i < keys.Count; i++)
        {
            _slots[keys[i]] = start + i;
        }
    }

    private void MarkDeleted(int slot)
    {
        // Copy-on-write: published snapshots keep their own bitmap, so a removal is atomic for readers.
        if (!_deletedPrivate)
        {
            _deleted = (ulong[])_deleted.Clone();
            _deletedPrivate = true;
        }

        _deleted[slot >> 6] |= 1UL << slot;
        _live--;
    }

    private void Publish()
    {
        Volatile.Write(ref _snapshot, BuildSnapshot(CaptureExtension()));
        _deletedPrivate = false;
    }

    private IndexSnapshot<TKey> BuildSnapshot(object? extension) => new()
    {
        Rows = _rows,
        Keys = _keys,
        Metadata = _metadata,
        Deleted = _deleted,
        Columns = _columns,
        Slots = _slots,
        Count = _count,
        LiveCount = _live,
        Extension = extension,
    };

    private void EnsureCapacity(int needed)
    {
        if (needed <= _rows.Capacity)
        {
            return;
        }

        var capacity = (int)Math.Min(Array.MaxLength / Math.Max(Dimension, 1), Math.Max(needed, (long)_rows.Capacity * 2));
        if (capacity < needed)
        {
            throw new InvalidOperationException($"The index cannot hold {needed} vectors of dimension {Dimension}.");
        }

        _rows = _rows.CopyTo(capacity, _count);
        _keys = Grow(_keys, capacity);
        _metadata = Grow(_metadata, capacity);
        _deleted = Grow(_deleted, (capacity + 63) >> 6);
        _columns.Grow(capacity);
        OnCapacityChanged(capacity, _count);
    }

    private void CompactIfWorthwhile()
    {
        var deleted = _count - _live;
        if (!CompactsRemovedRows || deleted < MinimumCompaction || deleted * 4 < _count)
        {
            return;
        }

        var capacity = Math.Max(16, _live + (_live / 2));
        var rows = FloatRowBuffer.Allocate(capacity, Dimension);
        var keys = new TKey[capacity];
        var metadata = new IReadOnlyDictionary<string, string>?[capacity];
        var columns = new MetadataColumns(capacity);
        var map = new ConcurrentDictionary<TKey, int>(KeyComparer);
        var next = 0;
        var bytes = (long)Dimension * sizeof(float);
        for (var slot = 0; slot < _count; slot++)
        {
            if ((_deleted[slot >> 6] & (1UL << slot)) != 0)
            {
                continue;
            }

            Buffer.MemoryCopy(_rows.Row(slot), rows.Row(next), bytes, bytes);
            keys[next] = _keys[slot];
            metadata[next] = _metadata[slot];
            columns.Set(next, _metadata[slot]);
            map[_keys[slot]] = next;
            next++;
        }

        _rows = rows;
        _keys = keys;
        _metadata = metadata;
        _deleted = new ulong[(capacity + 63) >> 6];
        _columns = columns;
        _slots = map;
        _count = next;
        _live = next;
        OnCompacted(rows, capacity, next);
        Publish();
    }

    private bool TryGetSlot(TKey key, out IndexSnapshot<TKey> snapshot, out int slot)
    {
        // The map is published after the rows, so a slot found here is inside this or a newer snapshot; retry once
        // when a write raced in between.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            snapshot = Snapshot;
            if (!snapshot.Slots.TryGetValue(key, out slot))
            {
                return false;
            }

            if (slot < snapshot.Count && snapshot.IsLive(slot) && KeyComparer.Equals(snapshot.Keys[slot], key))
            {
                return true;
            }
        }

        lock (_writeLock)
        {
            snapshot = Snapshot;
            return snapshot.Slots.TryGetValue(key, out slot);
        }
    }

    private void PrepareQuery(ReadOnlySpan<float> query, Span<float> prepared)
    {
        if (Metric == VectorMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(query);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"The query has norm {norm}; cosine similarity needs a non-zero, finite query.", nameof(query));
            }

            TensorPrimitives.Divide(query, norm, prepared);
        }
        else
        {
            query.CopyTo(prepared);
        }
    }

    /// <summary>
    /// Everything that could make a write fail is checked here, before the write lock is taken, so a rejected batch
    /// leaves the index unchanged.
    /// </summary>
    private void ValidateEntry(TKey key, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata, string name)
    {
        ValidateVector(vector, name);
        if (Metric == VectorMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(vector);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"The vector for key '{key}' has norm {norm}; cosine similarity needs a non-zero, finite vector.", name);
            }
        }

        if (metadata is not null)
        {
            foreach (var (field, value) in metadata)
            {
                if (string.IsNullOrEmpty(field) || value is null)
                {
                    throw new ArgumentException($"The metadata for key '{key}' has an empty field name or a null value (field '{field}'); every field needs a name and a non-null value.", name);
                }
            }
        }
    }

    private void ValidateVector(ReadOnlySpan<float> vector, string name)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"The vector has {vector.Length} values; this index stores vectors of dimension {Dimension}.", name);
        }

        ValidateFinite(vector, name);
    }

    private static void ValidateFinite(ReadOnlySpan<float> vector, string name)
    {
        // x * 0 is NaN exactly when x is NaN or infinite, so one vectorised pass checks every value.
        var acc = Vector128<float>.Zero;
        var i = 0;
        for (; i <= vector.Length - 4; i += 4)
        {
            acc += Vector128.Create(vector.Slice(i, 4)) * Vector128<float>.Zero;
        }

        var tail = 0f;
        for (; i < vector.Length; i++)
        {
            tail += vector[i] * 0f;
        }

        if (float.IsNaN(Vector128.Sum(acc) + tail))
        {
            throw new ArgumentException("The vector contains NaN or infinity; every value must be finite.", name);
        }
    }

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static T[] Grow<T>(T[] array, int length)
    {
        var grown = new T[length];
        array.CopyTo(grown, 0);
        return grown;
    }

    private static void ReturnRented(float[]? query, float[]? scores, int[]? slots)
    {
        if (query is not null)
        {
            ArrayPool<float>.Shared.Return(query);
        }

        if (scores is not null)
        {
            ArrayPool<float>.Shared.Return(scores);
        }

        if (slots is not null)
        {
            ArrayPool<int>.Shared.Return(slots);
        }
    }
}

/// <summary>Pointers to one batch search's prepared queries and outputs (query <c>i</c> owns <c>[i·K, i·K + K)</c>).</summary>
internal readonly unsafe struct BatchWork(float* queries, int queryCount, int k, float* scores, int* slots, int* counts)
{
    public float* Queries { get; } = queries;

    public int QueryCount { get; } = queryCount;

    public int K { get; } = k;

    public float* Scores { get; } = scores;

    public int* Slots { get; } = slots;

    public int* Counts { get; } = counts;
}
