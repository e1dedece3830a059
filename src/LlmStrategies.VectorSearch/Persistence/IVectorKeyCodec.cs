namespace LlmStrategies.VectorSearch;

/// <summary>Writes and reads index keys in the index file format. Built-in codecs are in <see cref="VectorKeyCodecs"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
public interface IVectorKeyCodec<TKey>
    where TKey : notnull
{
    /// <summary>A stable name stored in the file, so that loading with a different key type fails clearly.</summary>
    string Name { get; }

    /// <summary>Writes one key.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="key">The key.</param>
    void Write(BinaryWriter writer, TKey key);

    /// <summary>Reads one key written by <see cref="Write"/>.</summary>
    /// <param name="reader">The source.</param>
    /// <returns>The key.</returns>
    TKey Read(BinaryReader reader);
}

/// <summary>Key codecs for the common key types; <see cref="VectorIndexFile"/> picks one of these when none is given.</summary>
public static class VectorKeyCodecs
{
    /// <summary>UTF-8 string keys (chunk ids, document ids).</summary>
    public static IVectorKeyCodec<string> StringKeys { get; } = new StringCodec();

    /// <summary>32-bit integer keys.</summary>
    public static IVectorKeyCodec<int> Int32Keys { get; } = new Int32Codec();

    /// <summary>64-bit integer keys.</summary>
    public static IVectorKeyCodec<long> Int64Keys { get; } = new Int64Codec();

    /// <summary>GUID keys.</summary>
    public static IVectorKeyCodec<Guid> GuidKeys { get; } = new GuidCodec();

    /// <summary>Returns the built-in codec for <typeparamref name="TKey"/>.</summary>
    /// <typeparam name="TKey">string, int, long or Guid.</typeparam>
    /// <returns>The codec.</returns>
    /// <exception cref="NotSupportedException">No built-in codec exists for the type; pass your own <see cref="IVectorKeyCodec{TKey}"/>.</exception>
    public static IVectorKeyCodec<TKey> For<TKey>()
        where TKey : notnull
    {
        object codec = typeof(TKey) == typeof(string) ? StringKeys
            : typeof(TKey) == typeof(int) ? Int32Keys
            : typeof(TKey) == typeof(long) ? Int64Keys
            : typeof(TKey) == typeof(Guid) ? GuidKeys
            : throw new NotSupportedException($"There is no built-in key codec for {typeof(TKey)}; pass an IVectorKeyCodec<{typeof(TKey).Name}> to save and load this index.");
        return (IVectorKeyCodec<TKey>)codec;
    }

    private sealed class StringCodec : IVectorKeyCodec<string>
    {
        public string Name => "string";

        public void Write(BinaryWriter writer, string key) => writer.Write(key);

        public string Read(BinaryReader reader) => reader.ReadString();
    }

    private sealed class Int32Codec : IVectorKeyCodec<int>
    {
        public string Name => "int32";

        public void Write(BinaryWriter writer, int key) => writer.Write(key);

        public int Read(BinaryReader reader) => reader.ReadInt32();
    }

    private sealed class Int64Codec : IVectorKeyCodec<long>
    {
        public string Name => "int64";

        public void Write(BinaryWriter writer, long key) => writer.Write(key);

        public long Read(BinaryReader reader) => reader.ReadInt64();
    }

    private sealed class GuidCodec : IVectorKeyCodec<Guid>
    {
        public string Name => "guid";

        public void Write(BinaryWriter writer, Guid key)
        {
            Span<byte> bytes = stackalloc byte[16];
            key.TryWriteBytes(bytes);
            writer.Write(bytes);
        }

        public Guid Read(BinaryReader reader)
        {
            Span<byte> bytes = stackalloc byte[16];
            reader.BaseStream.ReadExactly(bytes);
            return new Guid(bytes);
        }
    }
}
