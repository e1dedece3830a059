namespace LlmStrategies.VectorSearch.Tests;

/// <summary>Small deterministic datasets and a brute-force double-precision reference search.</summary>
internal static class TestData
{
    public static float[] Random(int seed, int count, int dimension, float scale = 1f)
    {
        var random = new Random(seed);
        var data = new float[count * dimension];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return data;
    }

    /// <summary>Points around <paramref name="clusters"/> random centres, like embedding data: neighbours are well separated from the rest.</summary>
    public static float[] Clustered(int seed, int count, int dimension, int clusters, float spread = 0.3f)
    {
        var random = new Random(seed);
        var centres = Random(seed + 1, clusters, dimension);
        var data = new float[count * dimension];
        for (var i = 0; i < count; i++)
        {
            var c = random.Next(clusters);
            for (var j = 0; j < dimension; j++)
            {
                data[(i * dimension) + j] = centres[(c * dimension) + j] + (spread * (float)Gaussian(random));
            }
        }

        return data;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static ReadOnlySpan<float> Row(float[] data, int dimension, int i) => data.AsSpan(i * dimension, dimension);

    /// <summary>The score an index should report, computed in double precision (cosine normalises both sides).</summary>
    public static double Score(ReadOnlySpan<float> query, ReadOnlySpan<float> row, VectorMetric metric)
    {
        double dot = 0, qq = 0, rr = 0, l2 = 0;
        for (var i = 0; i < query.Length; i++)
        {
            dot += (double)query[i] * row[i];
            qq += (double)query[i] * query[i];
            rr += (double)row[i] * row[i];
            var t = (double)query[i] - row[i];
            l2 += t * t;
        }

        return metric switch
        {
            VectorMetric.DotProduct => dot,
            VectorMetric.Cosine => dot / Math.Sqrt(qq * rr),
            _ => -l2,
        };
    }

    /// <summary>Exact top-k ids (row numbers) by descending score, ties by smaller row.</summary>
    public static int[] ExactTop(float[] data, int dimension, ReadOnlySpan<float> query, int k, VectorMetric metric, Func<int, bool>? include = null)
    {
        var n = data.Length / dimension;
        var scored = new List<(double Score, int Id)>(n);
        for (var i = 0; i < n; i++)
        {
            if (include is null || include(i))
            {
                scored.Add((Score(query, Row(data, dimension, i), metric), i));
            }
        }

        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Id).Take(k).Select(s => s.Id).ToArray();
    }

    public static double Recall(IReadOnlyList<int> truth, IEnumerable<int> found) => truth.Count == 0 ? 1 : (double)found.Count(truth.Contains) / truth.Count;

    public static void AddAll(IVectorIndex<int> index, float[] data, int dimension, Func<int, IReadOnlyDictionary<string, string>?>? metadata = null)
    {
        var n = data.Length / dimension;
        index.AddRange(Enumerable.Range(0, n).Select(i => new VectorEntry<int>(i, data.AsMemory(i * dimension, dimension), metadata?.Invoke(i))));
    }

    public static IVectorIndex<int> Create(string kind, int dimension, VectorMetric metric, int seed = 7) => kind switch
    {
        "flat" => new FlatVectorIndex<int>(dimension, metric),
        "int8" => new QuantizedVectorIndex<int>(dimension, metric),
        "hnsw" => new HnswVectorIndex<int>(dimension, metric, new HnswOptions { M = 8, EfConstruction = 64, EfSearch = 64, Seed = (ulong)seed }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The repository root (the folder holding LlmStrategies.sln), or null.</summary>
    public static string? RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }
}
