using System.Buffers.Binary;
using System.Text;
using LlmStrategies.VectorSearch.Hnsw;
using LlmStrategies.VectorSearch.Persistence;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <summary>
/// Saves and loads indexes in a versioned, checksummed binary format. Saving is atomic: the file is written to a
/// temporary file beside the target, flushed to disk and renamed over the target, so readers of the path see the old
/// or the new index, never a partial one. Loading checks the magic, version, header checksum, length and payload
/// checksum before using anything, and throws <see cref="VectorIndexFormatException"/> naming the file and the problem.
/// </summary>
/// <remarks>
/// Layout (little-endian): a 64-byte header — magic <c>LSVINDEX</c>, format version (u16), index kind (u8), metric
/// (u8), dimension (i32), slot count (i64), live count (i64), payload length (i64), payload CRC-32C (u32), reserved,
/// header CRC-32C (u32) at byte 60 — then the payload: key codec name, kind parameters, the float32 rows (aligned to 64
/// bytes in the file, so a memory-mapped load uses them in place), the deletion bitmap, keys, metadata and, for HNSW,
/// the graph.
/// </remarks>
public static class VectorIndexFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const int HeaderSize = 64;
    private static readonly byte[] Magic = "LSVINDEX"u8.ToArray();

    private enum IndexKind : byte
    {
        Flat = 1,
        Quantized = 2,
        Hnsw = 3,
    }

    /// <summary>Writes <paramref name="index"/> to <paramref name="path"/> atomically. Searches may continue meanwhile; writes wait.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="index">The index.</param>
    /// <param name="path">The destination file; replaced if it exists.</param>
    /// <param name="keyCodec">How to write keys; null picks a built-in codec (<see cref="VectorKeyCodecs.For{TKey}"/>).</param>
    public static void Save<TKey>(VectorIndex<TKey> index, string path, IVectorKeyCodec<TKey>? keyCodec = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var codec = keyCodec ?? VectorKeyCodecs.For<TKey>();
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            index.UnderWriteLock(snapshot =>
            {
                WriteFile(index, snapshot, temporary, codec);
                return true;
            });
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Loads an index saved by <see cref="Save{TKey}"/>; the index kind (flat, int8, HNSW) is the one saved.</summary>
    /// <typeparam name="TKey">The key type the index was saved with.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="options">Memory mapping, checksum and expectation checks; null for the defaults.</param>
    /// <param name="keyCodec">How to read keys; null picks a built-in codec.</param>
    /// <param name="keyComparer">How the loaded index compares keys; null for the default comparer.</param>
    /// <returns>The index. Dispose it to release a memory mapping.</returns>
    /// <exception cref="VectorIndexFormatException">The file is foreign, of an unsupported version, truncated, corrupt, or not what <paramref name="options"/> expects.</exception>
    public static VectorIndex<TKey> Load<TKey>(string path, VectorIndexLoadOptions? options = null, IVectorKeyCodec<TKey>? keyCodec = null, IEqualityComparer<TKey>? keyComparer = null)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VectorIndexLoadOptions();
        var codec = keyCodec ?? VectorKeyCodecs.For<TKey>();
        var full = Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var header = ReadHeader(full, stream, options);
        if (options.VerifyChecksum)
        {
            VerifyPayload(full, stream, header);
        }

        MappedIndexFile? mapping = options.MemoryMap ? new MappedIndexFile(full, HeaderSize + header.PayloadLength) : null;
        try
        {
            stream.Position = HeaderSize;
            return ReadPayload(full, stream, header, mapping, codec, keyComparer);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ArgumentException or DecoderFallbackException or OverflowException or IndexOutOfRangeException or OutOfMemoryException)
        {
            mapping?.Dispose();
            throw new VectorIndexFormatException(full, $"the payload is malformed ({ex.Message}). The file passed its checksum, so it was probably written by incompatible software; rebuild the index.", stream.Position, ex);
        }
        catch
        {
            mapping?.Dispose();
            throw;
        }
    }

    private static unsafe void WriteFile<TKey>(VectorIndex<TKey> index, IndexSnapshot<TKey> snapshot, string path, IVectorKeyCodec<TKey> codec)
        where TKey : notnull
    {
        var kind = index switch
        {
            FlatVectorIndex<TKey> => IndexKind.Flat,
            QuantizedVectorIndex<TKey> => IndexKind.Quantized,
            HnswVectorIndex<TKey> => IndexKind.Hnsw,
            _ => throw new NotSupportedException($"Cannot save an index of type {index.GetType()}."),
        };
        var count = snapshot.Count;
        var d = index.Dimension;
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(new byte[HeaderSize]);
        var payload = new ChecksumWriteStream(file);
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(codec.Name);
            switch (index)
            {
                case QuantizedVectorIndex<TKey> quantized:
                    writer.Write(quantized.RescoreMultiplier);
                    break;
                case HnswVectorIndex<TKey> hnsw:
                    writer.Write(hnsw.Options.M);
                    writer.Write(hnsw.Options.EfConstruction);
                    writer.Write(hnsw.EfSearch);
                    writer.Write(hnsw.Options.Seed);
                    writer.Write(hnsw.EntryPoint);
                    writer.Write(hnsw.TopLevel);
                    break;
            }

            writer.Flush();
            var padding = (int)((64 - ((HeaderSize + payload.Position) & 63)) & 63);
            writer.Write(new byte[padding]);
            writer.Write(new ReadOnlySpan<byte>(snapshot.Rows.Pointer, checked(count * d * sizeof(float))));
            var words = (count + 63) >> 6;
            for (var i = 0; i < words; i++)
            {
                writer.Write(snapshot.Deleted[i]);
            }

            for (var slot = 0; slot < count; slot++)
            {
                codec.Write(writer, snapshot.Keys[slot]);
            }

            WriteMetadata(writer, snapshot, count);
            if (index is HnswVectorIndex<TKey> graphIndex)
            {
                WriteGraph(writer, graphIndex.Graph, count);
            }
        }

        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), FormatVersion);
        header[10] = (byte)kind;
        header[11] = (byte)index.Metric;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), d);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), count);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), snapshot.LiveCount);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), payload.Position);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), payload.Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(60), Crc32C.Compute(header.AsSpan(0, 60)));
        file.Position = 0;
        file.Write(header);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Each slot's metadata: the field count (-1 for none), then the fields sorted by name.</summary>
    private static void WriteMetadata<TKey>(BinaryWriter writer, IndexSnapshot<TKey> snapshot, int count)
        where TKey : notnull
    {
        for (var slot = 0; slot < count; slot++)
        {
            var metadata = snapshot.Metadata[slot];
            writer.Write(metadata?.Count ?? -1);
            if (metadata is not null)
            {
                foreach (var (field, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.Write(field);
                    writer.Write(value);
                }
            }
        }
    }

    /// <summary>The HNSW graph: the layer-0 link lists as one block, then each node's upper-layer lists.</summary>
    private static void WriteGraph(BinaryWriter writer, HnswGraph graph, int count)
    {
        writer.Write(MemoryMarshalBytes(graph.Level0Array.AsSpan(0, count * graph.Stride0)));
        for (var slot = 0; slot < count; slot++)
        {
            var upper = graph.Upper[slot];
            writer.Write(upper?.Length ?? 0);
            if (upper is not null)
            {
                writer.Write(MemoryMarshalBytes(upper));
            }
        }
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(ReadOnlySpan<int> values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);

    private static Header ReadHeader(string path, FileStream stream, VectorIndexLoadOptions options)
    {
        var length = stream.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        var read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (read >= Magic.Length && !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new VectorIndexFormatException(path, "it is not a vector index file (bad magic number). Check the path; index files start with 'LSVINDEX'.", 0);
        }

        if (read < HeaderSize)
        {
            throw new VectorIndexFormatException(path, $"the file is truncated: it has {length} bytes, shorter than the {HeaderSize}-byte header. Save the index again.", length);
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new VectorIndexFormatException(path, $"it was written in format version {version}; this library reads version {FormatVersion}. Load it with the library version that wrote it, or rebuild the index.", 8);
        }

        var headerChecksum = BinaryPrimitives.ReadUInt32LittleEndian(header[60..]);
        if (Crc32C.Compute(header[..60]) != headerChecksum)
        {
            throw new VectorIndexFormatException(path, "the header checksum does not match: the file is corrupt. Restore it from a backup or rebuild the index.", 0);
        }

        var result = new Header(
            (IndexKind)header[10],
            (VectorMetric)header[11],
            BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[40..]));
        if (result.Dimension is < 1 or > VectorIndex<int>.MaxDimension)
        {
            throw new VectorIndexFormatException(path, $"the header declares dimension {result.Dimension}; the supported range is 1 to {VectorIndex<int>.MaxDimensionText}. The file is corrupt or was not written by this library; rebuild the index.", 12);
        }

        if (result.Kind is not (IndexKind.Flat or IndexKind.Quantized or IndexKind.Hnsw) || result.Metric is not (VectorMetric.DotProduct or VectorMetric.Cosine or VectorMetric.Euclidean)
            || result.Dimension < 1 || result.Count < 0 || result.Count > int.MaxValue || result.LiveCount < 0 || result.LiveCount > result.Count || result.PayloadLength < 0)
        {
            throw new VectorIndexFormatException(path, "the header holds impossible values (kind, metric, dimension or counts): the file is corrupt. Rebuild the index.", 10);
        }

        if (length < HeaderSize + result.PayloadLength)
        {
            throw new VectorIndexFormatException(path, $"the file is truncated: it has {length} bytes but its header declares {HeaderSize + result.PayloadLength}. The save was interrupted or the copy is incomplete; save the index again.", length);
        }

        if (length > HeaderSize + result.PayloadLength)
        {
            throw new VectorIndexFormatException(path, $"the file has {length - HeaderSize - result.PayloadLength} bytes after the end its header declares: it is corrupt or was appended to. Rebuild the index.", HeaderSize + result.PayloadLength);
        }

        if (options.ExpectedDimension is { } dimension && dimension != result.Dimension)
        {
            throw new VectorIndexFormatException(path, $"it stores vectors of dimension {result.Dimension}, but dimension {dimension} was expected. Use the index built for this embedding model, or rebuild it.", 12);
        }

        if (options.ExpectedMetric is { } metric && metric != result.Metric)
        {
            throw new VectorIndexFormatException(path, $"it uses the {result.Metric} metric, but {metric} was expected. Rebuild the index with the metric you need.", 11);
        }

        return result;
    }

    private static void VerifyPayload(string path, FileStream stream, Header header)
    {
        stream.Position = HeaderSize;
        var crc = new Crc32C();
        var buffer = new byte[1 << 20];
        var remaining = header.PayloadLength;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new VectorIndexFormatException(path, "the file ended while reading the payload: it is truncated. Save the index again.", stream.Position);
            }

            crc.Append(buffer.AsSpan(0, read));
            remaining -= read;
        }

        if (crc.Value != header.PayloadChecksum)
        {
            throw new VectorIndexFormatException(path, "the payload checksum does not match: the file is corrupt. Restore it from a backup or rebuild the index.", HeaderSize);
        }
    }

    private static VectorIndex<TKey> ReadPayload<TKey>(string path, FileStream stream, Header header, MappedIndexFile? mapping, IVectorKeyCodec<TKey> codec, IEqualityComparer<TKey>? keyComparer)
        where TKey : notnull
    {
        var count = (int)header.Count;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var codecName = reader.ReadString();
        if (codecName != codec.Name)
        {
            throw new VectorIndexFormatException(path, $"its keys were written with the '{codecName}' key codec, but '{codec.Name}' was given for {typeof(TKey).Name}. Load it with the key type it was saved with.", HeaderSize);
        }

        var index = CreateIndex(path, stream, reader, header, keyComparer, out var hnsw);
        var rows = ReadRows(stream, count, header.Dimension, mapping);
        ReadEntries(reader, codec, count, out var deleted, out var keys, out var metadata);
        index.LoadRows(rows, keys, metadata, deleted, count, mapping);
        if (index is HnswVectorIndex<TKey> graphIndex && hnsw is not null)
        {
            ReadGraph(path, stream, reader, graphIndex, hnsw, count);
        }

        if (stream.Position != HeaderSize + header.PayloadLength)
        {
            throw new InvalidDataException($"the payload ends at byte {stream.Position}, not at {HeaderSize + header.PayloadLength} as declared");
        }

        index.PublishLoaded();
        return index;
    }

    /// <summary>Creates the empty index of the saved kind from the kind parameters that follow the codec name.</summary>
    private static VectorIndex<TKey> CreateIndex<TKey>(string path, FileStream stream, BinaryReader reader, Header header, IEqualityComparer<TKey>? keyComparer, out HnswParameters? hnsw)
        where TKey : notnull
    {
        var count = (int)header.Count;
        var d = header.Dimension;
        VectorIndex<TKey> index;
        hnsw = null;
        switch (header.Kind)
        {
            case IndexKind.Flat:
                index = new FlatVectorIndex<TKey>(d, header.Metric, keyComparer);
                break;
            case IndexKind.Quantized:
                index = new QuantizedVectorIndex<TKey>(d, header.Metric, keyComparer) { RescoreMultiplier = reader.ReadInt32() };
                break;
            default:
                hnsw = new HnswParameters(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadUInt64(), reader.ReadInt32(), reader.ReadInt32());
                var options = new HnswOptions { M = hnsw.M, EfConstruction = hnsw.EfConstruction, EfSearch = hnsw.EfSearch, Seed = hnsw.Seed };
                index = new HnswVectorIndex<TKey>(d, header.Metric, options, keyComparer);
                if (hnsw.Entry < -1 || hnsw.Entry >= count || hnsw.MaxLevel < -1 || hnsw.MaxLevel > 64)
                {
                    throw new InvalidDataException("the HNSW entry point or top level is out of range");
                }

                if (count > 0 && hnsw.Entry < 0)
                {
                    throw new VectorIndexFormatException(path, $"its HNSW graph has {count} nodes but no entry point (-1), so every search would return nothing. The file passed its checksum, so it was written by other software or edited; rebuild the index.", stream.Position - 8);
                }

                break;
        }

        return index;
    }

    /// <summary>The float32 rows, 64-byte aligned in the file: mapped in place, or read into a managed buffer.</summary>
    private static unsafe FloatRowBuffer ReadRows(FileStream stream, int count, int d, MappedIndexFile? mapping)
    {
        var padding = (int)((64 - (stream.Position & 63)) & 63);
        stream.Position += padding;
        var rowBytes = checked((long)count * d * sizeof(float));
        FloatRowBuffer rows;
        if (mapping is not null)
        {
            rows = FloatRowBuffer.Map(mapping, stream.Position, count, d);
            stream.Position += rowBytes;
        }
        else
        {
            rows = FloatRowBuffer.Allocate(Math.Max(count, 16), d);
            stream.ReadExactly(new Span<byte>(rows.Pointer, checked((int)rowBytes)));
        }

        return rows;
    }

    /// <summary>The deletion bitmap, the keys and the metadata of every slot.</summary>
    private static void ReadEntries<TKey>(BinaryReader reader, IVectorKeyCodec<TKey> codec, int count, out ulong[] deleted, out TKey[] keys, out IReadOnlyDictionary<string, string>?[] metadata)
        where TKey : notnull
    {
        deleted = new ulong[Math.Max(1, (Math.Max(count, 16) + 63) >> 6)];
        for (var i = 0; i < (count + 63) >> 6; i++)
        {
            deleted[i] = reader.ReadUInt64();
        }

        keys = new TKey[Math.Max(count, 16)];
        for (var slot = 0; slot < count; slot++)
        {
            keys[slot] = codec.Read(reader) ?? throw new InvalidDataException($"key {slot} is null");
        }

        metadata = new IReadOnlyDictionary<string, string>?[Math.Max(count, 16)];
        for (var slot = 0; slot < count; slot++)
        {
            var fields = reader.ReadInt32();
            if (fields < -1 || fields > 1 << 16)
            {
                throw new InvalidDataException($"row {slot} declares {fields} metadata fields");
            }

            if (fields >= 0)
            {
                var map = new Dictionary<string, string>(fields, StringComparer.Ordinal);
                for (var f = 0; f < fields; f++)
                {
                    map.Add(reader.ReadString(), reader.ReadString());
                }

                metadata[slot] = map;
            }
        }
    }

    /// <summary>The HNSW graph: layer-0 link lists, then each node's upper-layer lists; validated before it is used.</summary>
    private static unsafe void ReadGraph<TKey>(string path, FileStream stream, BinaryReader reader, HnswVectorIndex<TKey> graphIndex, HnswParameters hnsw, int count)
        where TKey : notnull
    {
        var graph = HnswGraph.Allocate(hnsw.M, Math.Max(count, 16));
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(graph.Level0Array.AsSpan(0, count * graph.Stride0)));
        for (var slot = 0; slot < count; slot++)
        {
            var links = graph.Level0Links(slot);
            if (links[0] < 0 || links[0] > graph.MaxM0)
            {
                throw new InvalidDataException($"node {slot} has {links[0]} layer-0 links");
            }

            var length = reader.ReadInt32();
            if (length < 0 || length % (hnsw.M + 1) != 0 || length / (hnsw.M + 1) > 64)
            {
                throw new InvalidDataException($"node {slot} has upper links of length {length}");
            }

            if (length > 0)
            {
                var upper = new int[length];
                stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(upper.AsSpan()));
                graph.Upper[slot] = upper;
            }
        }

        ValidateLinks(graph, count);
        if (hnsw.Entry >= 0 && graph.LevelOf(hnsw.Entry) != hnsw.MaxLevel)
        {
            throw new VectorIndexFormatException(path, $"its HNSW entry point {hnsw.Entry} is on layer {graph.LevelOf(hnsw.Entry)}, but the header of the graph names layer {hnsw.MaxLevel} as the top layer. The file was written by other software or edited; rebuild the index.", stream.Position);
        }

        graphIndex.RestoreGraph(graph, hnsw.Entry, hnsw.MaxLevel);
    }

    private static unsafe void ValidateLinks(HnswGraph graph, int count)
    {
        for (var slot = 0; slot < count; slot++)
        {
            var links = graph.Level0Links(slot);
            for (var i = 1; i <= links[0]; i++)
            {
                if ((uint)links[i] >= (uint)count)
                {
                    throw new InvalidDataException($"node {slot} links to node {links[i]} of {count}");
                }
            }

            if (graph.Upper[slot] is { } upper)
            {
                for (var offset = 0; offset < upper.Length; offset += graph.M + 1)
                {
                    if (upper[offset] < 0 || upper[offset] > graph.M)
                    {
                        throw new InvalidDataException($"node {slot} has {upper[offset]} upper links");
                    }

                    for (var i = 1; i <= upper[offset]; i++)
                    {
                        if ((uint)upper[offset + i] >= (uint)count)
                        {
                            throw new InvalidDataException($"node {slot} links to node {upper[offset + i]} of {count}");
                        }
                    }
                }
            }
        }
    }

    private sealed record Header(IndexKind Kind, VectorMetric Metric, int Dimension, long Count, long LiveCount, long PayloadLength, uint PayloadChecksum);

    private sealed record HnswParameters(int M, int EfConstruction, int EfSearch, ulong Seed, int Entry, int MaxLevel);
}
