using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <content>Writes: validation, row appends, copy-on-write deletion, snapshot publication, growth and compaction.</content>
public abstract unsafe partial class VectorIndex<TKey>
{

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
}
