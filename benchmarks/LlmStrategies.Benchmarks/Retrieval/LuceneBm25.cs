using Lucene.Net.Analysis.En;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>Lucene.Net 4.8 with EnglishAnalyzer and BM25Similarity(0.9, 0.4), in memory: the reference the BM25 index is measured against.</summary>
internal sealed class LuceneBm25 : IDisposable
{
    private static readonly BM25Similarity Similarity = new(0.9f, 0.4f);
    private readonly RAMDirectory _directory = new();
    private readonly EnglishAnalyzer _analyzer = new(LuceneVersion.LUCENE_48);
    private DirectoryReader? _reader;
    private IndexSearcher? _searcher;
    private QueryParser? _parser;

    public void Build(IReadOnlyList<string> paragraphs)
    {
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer) { Similarity = Similarity, OpenMode = OpenMode.CREATE };
        using (var writer = new IndexWriter(_directory, config))
        {
            for (var i = 0; i < paragraphs.Count; i++)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
                    new TextField("body", paragraphs[i], Field.Store.NO),
                });
            }

            // One segment, as a static corpus would be served: a large corpus otherwise leaves several segments, which
            // slows Lucene's search, and merges reorder its document numbers.
            writer.ForceMerge(1);
            writer.Commit();
        }

        _reader?.Dispose();
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = Similarity };

        // One parser for every query, as an application would keep it: building a parser per query cost about a quarter
        // of Lucene's time per query in the first published comparison (same top 10 either way).
        _parser = new QueryParser(LuceneVersion.LUCENE_48, "body", _analyzer);
    }

    /// <summary>Parses the question with the classic query parser (OR of its analysed terms) and returns the top documents.</summary>
    public TopDocs Search(string question, int top)
    {
        var query = _parser!.Parse(QueryParserBase.Escape(question));
        return _searcher!.Search(query, top);
    }

    /// <summary>The ids (insertion positions) of the top documents, read from the stored "id" field.</summary>
    public List<string> Ranked(string question, int top) =>
        Search(question, top).ScoreDocs.Select(d => _searcher!.Doc(d.Doc).Get("id", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public void Dispose()
    {
        _reader?.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }
}
