using System.Buffers.Binary;
using System.Security.Cryptography;
using LlmStrategies.IO;

namespace LlmStrategies.Retrieval;

/// <summary>
/// The container every index file of this library uses: an 8-byte magic, a 32-bit little-endian format version, the
/// body, and the SHA-256 of the body. Files are written atomically: temporary file, flush to disk, rename.
/// </summary>
internal static class IndexFile
{
    private const int HeaderLength = 12;
    private const int TrailerLength = 32;

    /// <summary>Writes magic, version, the body written by <paramref name="writeBody"/> and its hash, atomically.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> magic, int version, Action<BinaryWriter> writeBody)
    {
        var header = new byte[HeaderLength];
        magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), version);
        AtomicFile.Write(path, file =>
        {
            file.Write(header);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var hashing = new HashingStream(file, hash))
            using (var writer = new BinaryWriter(hashing, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writeBody(writer);
            }

            file.Write(hash.GetHashAndReset());
        });
    }

    /// <summary>Checks magic, version, length and hash of a file read into memory, and returns its body.</summary>
    /// <exception cref="IndexFormatException">Any check fails; the message says which.</exception>
    public static ReadOnlyMemory<byte> OpenBody(string path, byte[] bytes, ReadOnlySpan<byte> magic, int supportedVersion, string kind)
    {
        AtomicFile.RemoveOrphans(path);
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, 8).SequenceEqual(magic))
        {
            throw new IndexFormatException(path, $"it is not a {kind} file (its first bytes are not the {kind} signature); it may be another kind of file or corrupt.", null);
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != supportedVersion)
        {
            throw new IndexFormatException(path, $"it is format version {version}, and this library reads version {supportedVersion}.", null);
        }

        if (bytes.Length < HeaderLength + TrailerLength)
        {
            throw new IndexFormatException(path, $"it is truncated ({bytes.Length} bytes, shorter than an empty {kind}).", null);
        }

        var body = bytes.AsMemory(HeaderLength, bytes.Length - HeaderLength - TrailerLength);
        Span<byte> actual = stackalloc byte[TrailerLength];
        SHA256.HashData(body.Span, actual);
        if (!actual.SequenceEqual(bytes.AsSpan(bytes.Length - TrailerLength)))
        {
            throw new IndexFormatException(path, "its checksum does not match its content: the file is truncated or corrupt.", null);
        }

        return body;
    }

    /// <summary>Reads a non-negative count, rejecting negative values as corruption.</summary>
    public static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length)
        {
            throw new InvalidDataException($"a count of {count} is impossible for a file of {reader.BaseStream.Length} bytes.");
        }

        return count;
    }

    /// <summary>A write-only stream that feeds everything written through it to a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
