using System.Diagnostics;
using System.Globalization;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Benchmarks.VectorSearch;

/// <summary>
/// The shared clustered dataset (../shared/bench/vector/gen.c: 100,000 × 384 float32, L2-normalised, 1,000 queries,
/// exact top-10 ground truth), read from <c>VECTOR_BENCH_DATA</c> (default <c>artifacts/vector-data</c>). When the
/// folder is empty and gen.c is beside the repository, it is compiled with gcc and run once (deterministic output).
/// </summary>
internal sealed class VectorBenchData
{
    private VectorBenchData(string folder, float[] rows, int count, int dimension, float[] queries, int queryCount, int[] truth, int truthK)
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

    /// <summary>Where benchmark side results (recall, build times) go: <c>VECTOR_BENCH_OUT</c>, default the data folder.</summary>
    public string OutputFolder => Environment.GetEnvironmentVariable("VECTOR_BENCH_OUT") is { Length: > 0 } o ? Directory.CreateDirectory(o).FullName : Folder;

    public static VectorBenchData Load(string variable = "VECTOR_BENCH_DATA", string defaultFolder = "artifacts/vector-data", string generatorArguments = "100000 384 1000 1000 1.0 1.0 20240601 10")
    {
        var folder = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured ? configured : Path.Combine(RepoRoot(), defaultFolder);
        folder = Path.GetFullPath(folder);
        if (!File.Exists(Path.Combine(folder, "gt.ivecs")))
        {
            Generate(folder, generatorArguments);
        }

        var rows = ReadVectors<float>(Path.Combine(folder, "base.fvecs"), out var count, out var dimension);
        var queries = ReadVectors<float>(Path.Combine(folder, "query.fvecs"), out var queryCount, out _);
        var truth = ReadVectors<int>(Path.Combine(folder, "gt.ivecs"), out _, out var truthK);
        return new VectorBenchData(folder, rows, count, dimension, queries, queryCount, truth, truthK);
    }

    /// <summary>Where the one-thread M=16/efConstruction=200 graph is cached between benchmark processes.</summary>
    public string HnswCachePath => Path.Combine(OutputFolder, "hnsw-m16-efc200-t1.lsv");

    public HnswVectorIndex<int> BuildHnsw(int threads)
    {
        var index = new HnswVectorIndex<int>(Dimension, VectorMetric.DotProduct, new HnswOptions { M = 16, EfConstruction = 200, BuildParallelism = threads }, initialCapacity: Count);
        index.AddRange(Entries());
        return index;
    }

    public IEnumerable<VectorEntry<int>> Entries()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new VectorEntry<int>(i, Rows.AsMemory(i * Dimension, Dimension));
        }
    }

    public ReadOnlySpan<float> Query(int i) => Queries.AsSpan(i * Dimension, Dimension);

    /// <summary>recall@10 as in the C references: the fraction of each query's 10 true neighbours found among its 10 results.</summary>
    public double RecallAt10(VectorSearchResult<int>[] results, int[] counts, int k)
    {
        long hits = 0;
        for (var q = 0; q < QueryCount; q++)
        {
            for (var i = 0; i < 10; i++)
            {
                var truth = Truth[(q * TruthK) + i];
                for (var j = 0; j < Math.Min(counts[q], 10); j++)
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

    /// <summary>Searches every query one at a time (as the single-query benchmarks do) and returns recall@10.</summary>
    public double RecallAt10(IVectorIndex<int> index)
    {
        var results = new VectorSearchResult<int>[QueryCount * 10];
        var counts = new int[QueryCount];
        for (var q = 0; q < QueryCount; q++)
        {
            counts[q] = index.SearchInto(Query(q), results.AsSpan(q * 10, 10));
        }

        return RecallAt10(results, counts, 10);
    }

    /// <summary>Appends one <c>name value</c> line to the side results file read by benchmarks/vector/summarize.py.</summary>
    public void Record(string name, double value) =>
        File.AppendAllText(Path.Combine(OutputFolder, "side-results.txt"), string.Create(CultureInfo.InvariantCulture, $"{name} {value:R}\n"));

    public static string RepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (the folder holding LlmStrategies.sln); set VECTOR_BENCH_DATA to the dataset folder.");
    }

    private static void Generate(string folder, string arguments)
    {
        var source = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "bench", "vector", "gen.c"));
        if (!File.Exists(source))
        {
            throw new InvalidOperationException($"The dataset is missing from {folder} and {source} is not there to generate it. Run gen.c as ../shared/bench/vector/README.md says, or set VECTOR_BENCH_DATA.");
        }

        Directory.CreateDirectory(folder);
        var binary = Path.Combine(folder, "gen");
        Run("gcc", $"-O3 -march=native -fopenmp \"{source}\" -lm -o \"{binary}\"");
        Run(binary, $"\"{folder}\" {arguments}");
    }

    private static void Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false }) ?? throw new InvalidOperationException($"Cannot start {file}.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}.");
        }
    }

    private static T[] ReadVectors<T>(string path, out int count, out int dimension)
        where T : unmanaged
    {
        var bytes = File.ReadAllBytes(path);
        dimension = BitConverter.ToInt32(bytes, 0);
        var record = 4 + (4 * dimension);
        count = bytes.Length / record;
        var values = new T[count * dimension];
        var target = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        for (var i = 0; i < count; i++)
        {
            bytes.AsSpan((i * record) + 4, 4 * dimension).CopyTo(target[(i * 4 * dimension)..]);
        }

        return values;
    }
}
