using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>Lucene.Net 4.8 as the reference the BM25 analysis is compared with.</summary>
internal static class LuceneReference
{
    private static readonly Analyzer PorterOnly = Analyzer.NewAnonymous((_, reader) =>
    {
        var tokenizer = new KeywordTokenizer(reader);
        return new TokenStreamComponents(tokenizer, new PorterStemFilter(tokenizer));
    });

    public static string PorterStem(string word) => Tokens(PorterOnly, word).Single();

    public static List<string> EnglishTerms(string text)
    {
        using var analyzer = new EnglishAnalyzer(LuceneVersion.LUCENE_48);
        return Tokens(analyzer, text);
    }

    private static List<string> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<string>();
        using var stream = analyzer.GetTokenStream("f", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }

        stream.End();
        return tokens;
    }
}
