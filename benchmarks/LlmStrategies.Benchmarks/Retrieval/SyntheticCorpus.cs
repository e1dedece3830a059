using System.Globalization;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// A synthetic keyword corpus like natural text: 60-term documents whose words ("w1" … "w50000") are drawn from a
/// Zipf(1) distribution over 50,000 words, and four-word queries drawn from the same distribution (seed 20240601).
/// </summary>
internal sealed class SyntheticCorpus
{
    private SyntheticCorpus(string[] documents, string[] queries)
    {
        Documents = documents;
        Queries = queries;
    }

    public string[] Documents { get; }

    public string[] Queries { get; }

    public static SyntheticCorpus Create(int documents, int queries)
    {
        var random = new Random(20240601);
        var zipf = ZipfSampler(50_000, random);
        var words = new string[60];
        var texts = new string[documents];
        for (var d = 0; d < documents; d++)
        {
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = "w" + zipf().ToString(CultureInfo.InvariantCulture);
            }

            texts[d] = string.Join(' ', words);
        }

        var questions = Enumerable.Range(0, queries).Select(_ => string.Join(' ', Enumerable.Range(0, 4).Select(_ => "w" + zipf().ToString(CultureInfo.InvariantCulture)))).ToArray();
        return new SyntheticCorpus(texts, questions);
    }

    public IEnumerable<TextChunk> Chunks() =>
        Documents.Select((text, d) => new TextChunk { Id = d.ToString(CultureInfo.InvariantCulture), SourceId = "s", Text = text });

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
