using System.Runtime.CompilerServices;

namespace LlmStrategies.Embeddings.Local.Model.Kernels;

/// <summary>
/// A float array on the pinned object heap whose usable part starts on a 64-byte boundary, so 512-bit
/// loads never split cache lines. Pinned arrays never move, so the pointer stays valid for the
/// lifetime of the object and no <c>fixed</c> statement is needed in the kernels.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private const int AlignmentBytes = 64;
    private readonly float[] _storage;
    private readonly int _offset;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _storage = GC.AllocateArray<float>(length + (AlignmentBytes / sizeof(float)), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((AlignmentBytes - (address % AlignmentBytes)) % AlignmentBytes) / sizeof(float);
        Length = length;
    }

    public int Length { get; }

    public float* Pointer => (float*)Unsafe.AsPointer(ref _storage[_offset]);

    public Span<float> Span => _storage.AsSpan(_offset, Length);
}
