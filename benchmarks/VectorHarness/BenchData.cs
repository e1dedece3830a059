using System.Runtime.InteropServices;
using LlmStrategies.VectorSearch;

namespace VectorHarness;

/// <summary>
/// A dataset written by gen.c (TEXMEX layout): base.fvecs (rows), query.fvecs, gt.ivecs (exact top-k ids by inner
/// product). Each .fvecs record is an int32 dimension followed by that many float32; .ivecs the same with int32.
/// </summary>
internal sealed class BenchData
{
    private BenchData(string folder, float[] rows, int count, int dimension, float[] queries, int queryCount, int[] truth, int truthK)
    {
        Folder = folder;
        Rows = rows;
        Count = count;
        Dimension = dimension;
        Queries = queries;
        QueryCount = queryCount;
        Truth = truth;
        TruthK = truthK;
    }

    public string Folder { get; }

    public float[] Rows { get; }

    public int Count { get; }

    public int Dimension { get; }

    public float[] Queries { get; }

    public int QueryCount { get; }

    public int[] Truth { get; }

    public int TruthK { get; }

    public static BenchData Load(string folder)
    {
        var rows = Read<float>(Path.Combine(folder, "base.fvecs"), out var count, out var dimension);
        var queries = Read<float>(Path.Combine(folder, "query.fvecs"), out var queryCount, out _);
        var truth = Read<int>(Path.Combine(folder, "gt.ivecs"), out _, out var truthK);
        return new BenchData(folder, rows, count, dimension, queries, queryCount, truth, truthK);
    }

    public ReadOnlySpan<float> Query(int i) => Queries.AsSpan(i * Dimension, Dimension);

    public IEnumerable<VectorEntry<int>> Entries()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new VectorEntry<int>(i, Rows.AsMemory(i * Dimension, Dimension));
        }
    }

    /// <summary>recall@10 as the C references compute it: the fraction of each query's 10 true neighbours among its 10 results.</summary>
    public double RecallAt10(VectorSearchResult<int>[] results, int[] counts, int k)
    {
        long hits = 0;
        for (var q = 0; q < QueryCount; q++)
        {
            for (var i = 0; i < 10; i++)
            {
                var truth = Truth[(q * TruthK) + i];
                for (var j = 0; j < Math.Min(10, counts[q]); j++)
                {
                    if (results[(q * k) + j].Key == truth)
                    {
                        hits++;
                        break;
                    }
                }
            }
        }

        return hits / (QueryCount * 10.0);
    }

    private static T[] Read<T>(string path, out int count, out int dimension)
        where T : unmanaged
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        dimension = reader.ReadInt32();
        var record = 4 + (dimension * 4L);
        if (stream.Length % record != 0)
        {
            throw new InvalidDataException($"{path}: {stream.Length} bytes is not a whole number of {record}-byte records (dimension {dimension}).");
        }

        count = checked((int)(stream.Length / record));
        var values = GC.AllocateUninitializedArray<T>(checked(count * dimension), pinned: true);
        stream.Position = 0;
        for (var i = 0; i < count; i++)
        {
            if (reader.ReadInt32() != dimension)
            {
                throw new InvalidDataException($"{path}: record {i} has another dimension than the first ({dimension}).");
            }

            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan(i * dimension, dimension)));
        }

        return values;
    }
}
