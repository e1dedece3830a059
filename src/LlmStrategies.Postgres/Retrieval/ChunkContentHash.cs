using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LlmStrategies.Postgres.Retrieval;

/// <summary>
/// The 64-bit hash of a chunk's id, source, text and metadata, the same formula as the in-process indexes' content
/// digest (first 8 bytes, little-endian, of SHA-256 over the fields joined by U+001F, metadata sorted ordinally by
/// key). The collection's digest is the count and the sum mod 2⁶⁴ of these hashes, kept current by every write, so
/// equal contents give equal digests whatever the order or the process that wrote them, and equal the digest a
/// <c>VectorRetriever</c> or <c>Bm25Index</c> reports for the same chunks.
/// </summary>
internal static class ChunkContentHash
{
    public static long Compute(TextChunk chunk)
    {
        var text = new StringBuilder().Append(chunk.Id).Append('\u001f').Append(chunk.SourceId).Append('\u001f').Append(chunk.Text);
        foreach (var (key, value) in chunk.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\u001f').Append(key).Append('=').Append(value);
        }

        return BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string Format(long count, ulong sum) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count}:{sum:x16}");
}
