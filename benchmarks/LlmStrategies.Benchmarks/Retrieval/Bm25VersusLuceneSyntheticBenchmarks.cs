using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// BM25 top-10 on the synthetic Zipf corpus (<see cref="SyntheticCorpus"/>) at 100,000 and 1,000,000 documents, single
/// thread: this library's <see cref="Bm25Index"/> (MaxScore) against Lucene.Net 4.8 (EnglishAnalyzer,
/// BM25Similarity(0.9, 0.4), one query parser for all queries), both including query analysis; times are per query.
/// The setup prints how often the two agree on the top 10 (there are no relevance labels to compute nDCG from).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 9)]
public class Bm25VersusLuceneSyntheticBenchmarks
{
    private const int Queries = 200;
    private Bm25Index _ours = null!;
    private LuceneBm25 _lucene = null!;
    private string[] _queries = null!;
    private KeywordHit[] _hits = null!;

    [Params(100_000, 1_000_000)]
    public int Documents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var corpus = SyntheticCorpus.Create(Documents, Queries);
        _ours = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
        _ours.AddRange(corpus.Chunks());
        _lucene = new LuceneBm25();
        _lucene.Build(corpus.Documents);
        _queries = corpus.Queries;
        _hits = new KeywordHit[10];
        double agreement = 0;
        foreach (var query in _queries)
        {
            var ours = _ours.Search(query, 10).Select(h => h.Chunk.Id).ToHashSet();
            var theirs = _lucene.Ranked(query, 10);
            agreement += theirs.Count == 0 ? 1 : theirs.Count(ours.Contains) / (double)theirs.Count;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// top-10 agreement with Lucene.Net at {Documents} documents: {agreement / _queries.Length:F4} (mean fraction of Lucene's top 10 also in ours)"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Dispose();
        _lucene.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public int LuceneNet_Top10()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _lucene.Search(query, 10).ScoreDocs.Length;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int Bm25Index_Top10()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _ours.Search(query, _hits, null);
        }

        return found;
    }
}
