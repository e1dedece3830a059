using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LlmStrategies.Retrieval;

/// <summary>
/// An order-independent digest of a changing set of chunks: the sum (mod 2⁶⁴) of a 64-bit hash of each chunk's id,
/// source, text and metadata, and the count. Adding and removing a chunk are O(1), so indexes keep it current; equal
/// contents give equal digests whatever the insertion order. Retrievers put it in their fingerprints, so an experiment's
/// response cache never answers from a changed corpus.
/// </summary>
internal struct ContentDigest
{
    private ulong _sum;
    private long _count;

    public readonly string Value => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_count}:{_sum:x16}");

    public void Add(TextChunk chunk)
    {
        _sum += Hash(chunk);
        _count++;
    }

    public void Remove(TextChunk chunk)
    {
        _sum -= Hash(chunk);
        _count--;
    }

    private static ulong Hash(TextChunk chunk)
    {
        var text = new StringBuilder().Append(chunk.Id).Append('\u001f').Append(chunk.SourceId).Append('\u001f').Append(chunk.Text);
        foreach (var (key, value) in chunk.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\u001f').Append(key).Append('=').Append(value);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
