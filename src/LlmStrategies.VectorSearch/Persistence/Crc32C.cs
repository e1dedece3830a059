using System.Buffers.Binary;
using System.Numerics;

namespace LlmStrategies.VectorSearch.Persistence;

/// <summary>CRC-32C (Castagnoli) over byte runs, eight bytes per step; hardware-accelerated where the CPU has it.</summary>
internal struct Crc32C
{
    private uint _state;

    public Crc32C() => _state = uint.MaxValue;

    public readonly uint Value => ~_state;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32C();
        crc.Append(data);
        return crc.Value;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var state = _state;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        _state = state;
    }
}

/// <summary>A write-only stream that checksums and counts what passes through it.</summary>
internal sealed class ChecksumWriteStream(Stream inner) : Stream
{
    private Crc32C _crc = new();

    public uint Checksum => _crc.Value;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get; set; }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc.Append(buffer);
        inner.Write(buffer);
        Position += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
}
