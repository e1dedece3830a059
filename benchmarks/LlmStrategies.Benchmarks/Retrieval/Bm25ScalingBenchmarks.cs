using BenchmarkDotNet.Attributes;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// How BM25 top-10 query cost grows with the corpus, with MaxScore pruning and without it (exhaustive scoring of every
/// document that contains a query term). Synthetic corpus: 60-term documents drawn from a Zipf(1) distribution over
/// 50,000 words (like natural text); queries are four words of mixed frequency. Times are per query.
/// </summary>
[MemoryDiagnoser]
public class Bm25ScalingBenchmarks
{
    private const int Queries = 200;
    private Bm25Index _index = null!;
    private string[] _queries = null!;
    private KeywordHit[] _hits = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Documents { get; set; }

    [Params(true, false)]
    public bool Pruning { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20240601);
        var zipf = ZipfSampler(50_000, random);
        _index = new Bm25Index();
        var words = new string[60];
        for (var d = 0; d < Documents; d++)
        {
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = "w" + zipf().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _index.Add(new TextChunk { Id = d.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceId = "s", Text = string.Join(' ', words) });
        }

        _queries = Enumerable.Range(0, Queries).Select(_ => string.Join(' ', Enumerable.Range(0, 4).Select(_ => "w" + zipf().ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        _index.Pruning = Pruning;
        _hits = new KeywordHit[10];
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = Queries)]
    public int Top10()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _index.Search(query, _hits, null);
        }

        return found;
    }

    /// <summary>Draws ranks 1..n with probability ∝ 1/rank by inverting the cumulative distribution.</summary>
    private static Func<int> ZipfSampler(int n, Random random)
    {
        var cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        return () =>
        {
            var u = random.NextDouble() * sum;
            var index = Array.BinarySearch(cumulative, u);
            return (index >= 0 ? index : ~index) + 1;
        };
    }
}
