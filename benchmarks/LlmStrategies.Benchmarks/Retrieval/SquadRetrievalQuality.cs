using System.Globalization;
using System.Text;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// Retrieval quality on SQuAD for this library's BM25 and Lucene.Net's, on every question: nDCG@10, recall@100 and
/// MRR@10 with 95% bootstrap intervals, and the paired difference. Run: <c>dotnet run -c Release --project
/// benchmarks/LlmStrategies.Benchmarks -- squad-quality</c>.
/// </summary>
internal static class SquadRetrievalQuality
{
    public static string Run()
    {
        var data = SquadRetrievalSet.Load();
        using var ours = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
        ours.AddRange(data.Paragraphs.Select((text, i) => new TextChunk { Id = i.ToString(CultureInfo.InvariantCulture), SourceId = "squad", Text = text }));
        using var lucene = new LuceneBm25();
        lucene.Build(data.Paragraphs);

        var rows = new List<(string Name, double[] Ndcg, double[] Recall, double[] Mrr)>();
        foreach (var (name, search) in new (string, Func<string, List<string>>)[]
        {
            ("Lucene.Net 4.8 BM25", q => lucene.Ranked(q, 100)),
            ("LlmStrategies Bm25Index", q => ours.Search(q, 100).Select(h => h.Chunk.Id).ToList()),
        })
        {
            var ndcg = new double[data.Questions.Count];
            var recall = new double[data.Questions.Count];
            var mrr = new double[data.Questions.Count];
            for (var i = 0; i < data.Questions.Count; i++)
            {
                var (question, paragraph) = data.Questions[i];
                var ranked = search(question);
                var relevant = new HashSet<string> { paragraph.ToString(CultureInfo.InvariantCulture) };
                ndcg[i] = RetrievalMetrics.NdcgAt(ranked, relevant, 10);
                recall[i] = RetrievalMetrics.RecallAt(ranked, relevant, 100);
                mrr[i] = RetrievalMetrics.ReciprocalRank(ranked, relevant, 10);
            }

            rows.Add((name, ndcg, recall, mrr));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"SQuAD v1.1 dev (half): {data.Paragraphs.Count} paragraphs, {data.Questions.Count} questions; 95% percentile bootstrap, 10,000 resamples, seed 1.");
        report.AppendLine();
        report.AppendLine("| retriever | nDCG@10 | recall@100 | MRR@10 |");
        report.AppendLine("|---|---|---|---|");
        foreach (var (name, ndcg, recall, mrr) in rows)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Bootstrap.Mean(ndcg, 1).ToString("F4")} | {Bootstrap.Mean(recall, 1).ToString("F4")} | {Bootstrap.Mean(mrr, 1).ToString("F4")} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| difference (ours − Lucene, paired) | {Bootstrap.PairedDifference(rows[1].Ndcg, rows[0].Ndcg, 1).ToString("F4")} | {Bootstrap.PairedDifference(rows[1].Recall, rows[0].Recall, 1).ToString("F4")} | {Bootstrap.PairedDifference(rows[1].Mrr, rows[0].Mrr, 1).ToString("F4")} |");
        return report.ToString();
    }
}
