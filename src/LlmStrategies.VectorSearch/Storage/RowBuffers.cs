using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using System.Runtime.CompilerServices;

namespace LlmStrategies.VectorSearch.Storage;

/// <summary>
/// Row-major float32 rows at a fixed address: a pinned, 64-byte aligned managed array, or a read-only view of a
/// memory-mapped index file. The address never moves, so kernels read it through a pointer; growth allocates a new
/// buffer and copies, leaving the old one intact for readers still holding an older snapshot.
/// </summary>
internal sealed unsafe class FloatRowBuffer
{
    private readonly float[]? _array;
    private readonly MappedIndexFile? _mapping;

    private FloatRowBuffer(float[]? array, MappedIndexFile? mapping, float* pointer, int capacity, int dimension)
    {
        _array = array;
        _mapping = mapping;
        Pointer = pointer;
        Capacity = capacity;
        Dimension = dimension;
    }

    public float* Pointer { get; }

    public int Capacity { get; }

    public int Dimension { get; }

    public bool IsMapped => _mapping is not null;

    /// <summary>The mapping these rows live in, or null for managed rows; searches register with it as readers.</summary>
    public MappedIndexFile? Mapping => _mapping;

    public static FloatRowBuffer Allocate(int capacity, int dimension)
    {
        var length = ((long)capacity * dimension) + 16;
        var array = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref array[0]);
        var offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
        return new FloatRowBuffer(array, null, (float*)address + offset, capacity, dimension);
    }

    public static FloatRowBuffer Map(MappedIndexFile mapping, long offset, int rows, int dimension) =>
        new(null, mapping, (float*)(mapping.Pointer + offset), rows, dimension);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(int slot) => Pointer + ((long)slot * Dimension);

    public Span<float> RowSpan(int slot) => new(Row(slot), Dimension);

    /// <summary>Returns a managed buffer of <paramref name="capacity"/> rows holding a copy of the first <paramref name="rows"/> rows.</summary>
    public FloatRowBuffer CopyTo(int capacity, int rows)
    {
        var grown = Allocate(capacity, Dimension);
        Buffer.MemoryCopy(Pointer, grown.Pointer, (long)capacity * Dimension * sizeof(float), (long)rows * Dimension * sizeof(float));
        return grown;
    }
}

/// <summary>Row-major bytes (int8 codes) in a pinned, 64-byte aligned array; rows are padded to <see cref="Stride"/> bytes.</summary>
internal sealed unsafe class ByteRowBuffer
{
    private readonly byte[] _array;

    private ByteRowBuffer(byte[] array, byte* pointer, int capacity, int stride)
    {
        _array = array;
        Pointer = pointer;
        Capacity = capacity;
        Stride = stride;
    }

    public byte* Pointer { get; }

    public int Capacity { get; }

    public int Stride { get; }

    public static ByteRowBuffer Allocate(int capacity, int stride)
    {
        var array = GC.AllocateUninitializedArray<byte>(checked((capacity * stride) + 64), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref array[0]);
        var offset = (int)((64 - (address & 63)) & 63);
        return new ByteRowBuffer(array, (byte*)address + offset, capacity, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Row(int slot) => Pointer + ((long)slot * Stride);

    public ByteRowBuffer CopyTo(int capacity, int rows)
    {
        var grown = Allocate(capacity, Stride);
        Buffer.MemoryCopy(Pointer, grown.Pointer, (long)capacity * Stride, (long)rows * Stride);
        GC.KeepAlive(_array);
        return grown;
    }
}

/// <summary>
/// A read-only memory mapping of an index file. Searches register as readers (<see cref="AddReader"/> /
/// <see cref="RemoveReader"/>) through the view's <see cref="SafeHandle"/> reference count, so disposing the index while
/// a search runs only marks the mapping closed: the memory is unmapped when the last reader leaves, and a search that
/// starts afterwards fails with <see cref="ObjectDisposedException"/>. An index that is never disposed releases the mapping
/// from this object's finalizer once it is collected.
/// </summary>
internal sealed unsafe class MappedIndexFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly SafeMemoryMappedViewHandle _handle;
    private int _released;

    public MappedIndexFile(string path, long length)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            _handle = _view.SafeMemoryMappedViewHandle;
            byte* pointer = null;
            _handle.AcquirePointer(ref pointer);
            Pointer = pointer + _view.PointerOffset;
            Length = length;
            Path = path;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    ~MappedIndexFile() => Release(disposing: false);

    public byte* Pointer { get; }

    public long Length { get; }

    public string Path { get; }

    /// <summary>Keeps the memory mapped until the matching <see cref="RemoveReader"/>; throws once the mapping is disposed.</summary>
    public void AddReader()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException ex)
        {
            throw new ObjectDisposedException($"The vector index mapped from '{Path}' was disposed; its memory mapping is released. Load the file again to search it.", ex);
        }
    }

    public void RemoveReader() => _handle.DangerousRelease();

    public void Dispose()
    {
        Release(disposing: true);
        GC.SuppressFinalize(this);
    }

    private void Release(bool disposing)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        // Drops this object's own reference (taken by AcquirePointer) and closes the handle: the memory is unmapped now,
        // or when the last registered reader calls RemoveReader. The handle is a critical finalizable object, so it is
        // still usable from this object's finalizer.
        _handle.ReleasePointer();
        _handle.Dispose();
        if (disposing)
        {
            _view.Dispose();
            _file.Dispose();
        }
    }
}
