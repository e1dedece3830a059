using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace LlmStrategies.VectorSearch.Filtering;

/// <summary>
/// Per-field value columns over row slots: each field maps its distinct values to small integers and stores one
/// integer per slot (-1 where the row lacks the field). Readers look fields and values up in concurrent
/// dictionaries (no allocation) while the single writer appends; columns grow by copy, so a reader that loaded a
/// column after its snapshot always sees every slot of that snapshot.
/// </summary>
internal sealed class MetadataColumns
{
    private readonly ConcurrentDictionary<string, MetadataColumn> _fields = new(StringComparer.Ordinal);
    private int _capacity;

    public MetadataColumns(int capacity) => _capacity = capacity;

    public int FieldCount => _fields.Count;

    public bool TryGetColumn(string field, out MetadataColumn column) => _fields.TryGetValue(field, out column!);

    public IEnumerable<string> FieldNames => _fields.Keys;

    /// <summary>Writer only: grows every column to <paramref name="capacity"/> slots.</summary>
    public void Grow(int capacity)
    {
        foreach (var column in _fields.Values)
        {
            column.Grow(capacity);
        }

        _capacity = capacity;
    }

    /// <summary>Writer only: records the metadata of <paramref name="slot"/>.</summary>
    public void Set(int slot, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (field, value) in metadata)
        {
            if (!_fields.TryGetValue(field, out var column))
            {
                column = new MetadataColumn(_capacity);
                _fields[field] = column;
            }

            column.Set(slot, value);
        }
    }
}

/// <summary>One field's column: value ids per slot and the value → id dictionary.</summary>
internal sealed class MetadataColumn
{
    private readonly ConcurrentDictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private int[] _slots;

    public MetadataColumn(int capacity)
    {
        _slots = new int[capacity];
        Array.Fill(_slots, -1);
    }

    public int[] Slots => Volatile.Read(ref _slots);

    public bool TryGetValueId(string value, out int id) => _valueIds.TryGetValue(value, out id);

    public void Grow(int capacity)
    {
        var old = _slots;
        if (capacity <= old.Length)
        {
            return;
        }

        var grown = new int[capacity];
        old.CopyTo(grown, 0);
        grown.AsSpan(old.Length).Fill(-1);
        Volatile.Write(ref _slots, grown);
    }

    public void Set(int slot, string value)
    {
        if (!_valueIds.TryGetValue(value, out var id))
        {
            id = _valueIds.Count;
            _valueIds[value] = id;
        }

        _slots[slot] = id;
    }
}

/// <summary>A filter resolved against one snapshot's columns: up to <see cref="VectorFilter.MaxTerms"/> (column, value id) pairs.</summary>
internal struct ResolvedFilter
{
    private ColumnRefs _columns;
    private ValueIds _ids;
    private int _count;

    /// <summary>True when some term names a value no row carries, so nothing can match.</summary>
    public bool MatchesNothing { get; private set; }

    /// <summary>True when there is no term at all.</summary>
    public readonly bool IsEmpty => _count == 0 && !MatchesNothing;

    public static ResolvedFilter Resolve(VectorFilter? filter, MetadataColumns columns)
    {
        var resolved = default(ResolvedFilter);
        if (filter is null)
        {
            return resolved;
        }

        var terms = filter.Terms;
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            if (!columns.TryGetColumn(term.Key, out var column))
            {
                throw new ArgumentException(
                    $"The filter field '{term.Key}' is unknown to this index: no stored entry has ever carried it (known fields: {string.Join(", ", columns.FieldNames.Order(StringComparer.Ordinal))}). Check the field name, or add entries whose metadata has it.",
                    nameof(filter));
            }

            if (!column.TryGetValueId(term.Value, out var id))
            {
                resolved.MatchesNothing = true;
                continue;
            }

            resolved._columns[resolved._count] = column.Slots;
            resolved._ids[resolved._count] = id;
            resolved._count++;
        }

        return resolved;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Matches(int slot)
    {
        for (var i = 0; i < _count; i++)
        {
            var column = _columns[i];
            if ((uint)slot >= (uint)column.Length || column[slot] != _ids[i])
            {
                return false;
            }
        }

        return true;
    }

    [InlineArray(VectorFilter.MaxTerms)]
    private struct ColumnRefs
    {
        private int[] _element;
    }

    [InlineArray(VectorFilter.MaxTerms)]
    private struct ValueIds
    {
        private int _element;
    }
}
