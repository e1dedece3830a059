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
        var corpus = SyntheticCorpus.Create(Documents, Queries);
        _index = new Bm25Index();
        _index.AddRange(corpus.Chunks());
        _queries = corpus.Queries;
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
}
