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
public abstract unsafe partial class VectorIndex<TKey> : IVectorIndex<TKey>
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

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static T[] Grow<T>(T[] array, int length)
    {
        var grown = new T[length];
        array.CopyTo(grown, 0);
        return grown;
    }
}
