using BenchmarkDotNet.Attributes;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// BM25 top-100 on SQuAD (1,023 paragraphs, 5,397 questions), single thread: this library's <see cref="Bm25Index"/>
/// against Lucene.Net 4.8 (EnglishAnalyzer, BM25Similarity(0.9, 0.4)), both including query analysis. Times are per query.
/// </summary>
[MemoryDiagnoser]
public class Bm25SearchBenchmarks
{
    private SquadRetrievalSet _data = null!;
    private Bm25Index _ours = null!;
    private LuceneBm25 _lucene = null!;
    private KeywordHit[] _hits = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = SquadRetrievalSet.Load();
        _ours = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
        _ours.AddRange(_data.Paragraphs.Select((text, i) => new TextChunk { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceId = "squad", Text = text }));
        _lucene = new LuceneBm25();
        _lucene.Build(_data.Paragraphs);
        _hits = new KeywordHit[100];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Dispose();
        _lucene.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 5_397)]
    public int LuceneNet_Top100()
    {
        var found = 0;
        foreach (var (question, _) in _data.Questions)
        {
            found += _lucene.Search(question, 100).ScoreDocs.Length;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = 5_397)]
    public int Bm25Index_Top100()
    {
        var found = 0;
        foreach (var (question, _) in _data.Questions)
        {
            found += _ours.Search(question, _hits, null);
        }

        return found;
    }
}

/// <summary>Building the index of the 1,023 SQuAD paragraphs: this library against Lucene.Net (in memory, one commit).</summary>
[MemoryDiagnoser]
public class Bm25BuildBenchmarks
{
    private SquadRetrievalSet _data = null!;
    private TextChunk[] _chunks = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = SquadRetrievalSet.Load();
        _chunks = _data.Paragraphs.Select((text, i) => new TextChunk { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceId = "squad", Text = text }).ToArray();
    }

    [Benchmark(Baseline = true)]
    public void LuceneNet_Build()
    {
        using var lucene = new LuceneBm25();
        lucene.Build(_data.Paragraphs);
    }

    [Benchmark]
    public int Bm25Index_Build()
    {
        using var index = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
        index.AddRange(_chunks);
        return index.Count;
    }
}
