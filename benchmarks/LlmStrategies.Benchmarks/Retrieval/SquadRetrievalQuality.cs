using System.Globalization;
using System.Text;
using LlmStrategies.Baseline;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.QueryExpansion;
using LlmStrategies.Retrieval.Reranking;
using LlmStrategies.Retrieval.Vector;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// Retrieval quality on SQuAD (1,023 paragraphs, 5,397 questions, one relevant paragraph each): Lucene.Net's BM25 and
/// ours, local embeddings (Universal Sentence Encoder Lite, exact SIMD index), their hybrid (reciprocal rank fusion),
/// and what query expansion (offline keyword fallback) and MMR change. nDCG@10, recall@100 and MRR@10 with 95%
/// bootstrap intervals, and paired differences. Run: <c>dotnet run -c Release --project
/// benchmarks/LlmStrategies.Benchmarks -- squad-quality</c> (needs ../shared/data and .models/use-lite).
/// </summary>
internal static class SquadRetrievalQuality
{
    private const int Seed = 1;

    public static async Task<string> RunAsync()
    {
        var data = SquadRetrievalSet.Load();
        var chunks = data.Paragraphs.Select((text, i) => new TextChunk { Id = i.ToString(CultureInfo.InvariantCulture), SourceId = "squad", Text = text }).ToArray();
        using var bm25Index = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
        bm25Index.AddRange(chunks);
        using var lucene = new LuceneBm25();
        lucene.Build(data.Paragraphs);
        using var model = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = FewShot.BenchmarkModel.Directory() });

        // Microsoft.Extensions.AI's caching generator: MMR re-embeds each query's candidate paragraphs, which are cache hits.
        using var embeddings = model.AsBuilder()
            .UseDistributedCache(new Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Caching.Memory.MemoryDistributedCacheOptions())))
            .Build();
        using var vector = new VectorRetriever(embeddings);
        await vector.AddAsync(chunks);
        var bm25 = new KeywordRetriever(bm25Index);
        var baseline = new ExtractiveBaselineChatClient();
        var retrievers = new (string Name, IRetriever Retriever)[]
        {
            ("BM25 (this library)", bm25),
            ("vector (USE-Lite, exact)", vector),
            ("hybrid RRF (BM25 + vector)", new HybridRetriever([new(bm25), new(vector)], new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank })),
            ("hybrid RRF, BM25 weight 2", new HybridRetriever([new(bm25, 2), new(vector)], new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank })),
            ("hybrid z-score (default)", new HybridRetriever([new(bm25), new(vector)])),
            ("multi-query BM25 (keyword fallback)", new MultiQueryRetriever(bm25, baseline)),
            ("HyDE vector (keyword fallback)", new HypotheticalDocumentRetriever(vector, baseline)),
            ("hybrid z-score + MMR λ 0.7", new MmrReranker(new HybridRetriever([new(bm25), new(vector)]), embeddings, lambda: 0.7, candidates: 30)),
        };

        var rows = new List<(string Name, double[] Ndcg, double[] Recall, double[] Mrr)>
        {
            await ScoreAsync("Lucene.Net 4.8 BM25", q => Task.FromResult(lucene.Ranked(q, 100)), data),
        };
        foreach (var (name, retriever) in retrievers)
        {
            rows.Add(await ScoreAsync(name, async q => (await retriever.RetrieveAsync(new RetrievalRequest(q, 100))).Select(c => c.ChunkId).ToList(), data));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"SQuAD v1.1 dev (half): {data.Paragraphs.Count} paragraphs, {data.Questions.Count} questions; 95% percentile bootstrap, 10,000 resamples, seed {Seed}.");
        report.AppendLine();
        report.AppendLine("| retriever | nDCG@10 | recall@100 | MRR@10 |");
        report.AppendLine("|---|---|---|---|");
        foreach (var (name, ndcg, recall, mrr) in rows)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Bootstrap.Mean(ndcg, Seed).ToString("F4")} | {Bootstrap.Mean(recall, Seed).ToString("F4")} | {Bootstrap.Mean(mrr, Seed).ToString("F4")} |");
        }

        report.AppendLine();
        report.AppendLine("Paired differences (nDCG@10), 95% bootstrap interval; an interval excluding 0 is a significant difference:");
        report.AppendLine();
        report.AppendLine("| comparison | Δ nDCG@10 | Δ recall@100 |");
        report.AppendLine("|---|---|---|");
        var byName = rows.ToDictionary(r => r.Name);
        foreach (var (a, b) in new[]
        {
            ("BM25 (this library)", "Lucene.Net 4.8 BM25"),
            ("hybrid RRF (BM25 + vector)", "BM25 (this library)"),
            ("hybrid RRF (BM25 + vector)", "vector (USE-Lite, exact)"),
            ("hybrid RRF, BM25 weight 2", "BM25 (this library)"),
            ("hybrid z-score (default)", "BM25 (this library)"),
            ("multi-query BM25 (keyword fallback)", "BM25 (this library)"),
            ("HyDE vector (keyword fallback)", "vector (USE-Lite, exact)"),
            ("hybrid z-score + MMR λ 0.7", "hybrid z-score (default)"),
        })
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {a} − {b} | {Bootstrap.PairedDifference(byName[a].Ndcg, byName[b].Ndcg, Seed).ToString("F4")} | {Bootstrap.PairedDifference(byName[a].Recall, byName[b].Recall, Seed).ToString("F4")} |");
        }

        await TuneHybridAsync(report, data, bm25, vector);
        return report.ToString();
    }

    /// <summary>
    /// Chooses the fusion (method and weights) on the questions of even-numbered articles and reports it, next to BM25 and
    /// vector alone, on the questions of odd-numbered articles: the choice never sees the questions it is judged on.
    /// </summary>
    private static async Task TuneHybridAsync(StringBuilder report, SquadRetrievalSet data, IRetriever bm25, IRetriever vector)
    {
        var dev = data.Questions.Where(q => data.ParagraphArticle[q.Paragraph] % 2 == 0).ToList();
        var test = data.Questions.Where(q => data.ParagraphArticle[q.Paragraph] % 2 == 1).ToList();
        var candidates = new List<(string Name, IRetriever Retriever)>();
        foreach (var weight in new[] { 1.0, 2.0, 4.0, 8.0 })
        {
            candidates.Add(($"RRF, BM25 weight {weight}", new HybridRetriever([new(bm25, weight), new(vector)], new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank })));
        }

        foreach (var method in new[] { FusionMethod.MinMax, FusionMethod.ZScore })
        {
            foreach (var vectorWeight in new[] { 0.1, 0.2, 0.3, 0.5, 1.0 })
            {
                candidates.Add(($"{method}, vector weight {vectorWeight}", new HybridRetriever([new(bm25), new(vector, vectorWeight)], new HybridRetrieverOptions { Method = method })));
            }
        }

        var devSet = new SquadRetrievalSet.Subset(dev);
        var scored = new List<(string Name, IRetriever Retriever, double Dev)>();
        foreach (var (name, retriever) in candidates)
        {
            var (_, ndcg, _, _) = await ScoreAsync(name, Search(retriever), devSet);
            scored.Add((name, retriever, ndcg.Average()));
        }

        var best = scored.MaxBy(s => s.Dev);
        var testSet = new SquadRetrievalSet.Subset(test);
        var tuned = await ScoreAsync(best.Name, Search(best.Retriever), testSet);
        var bm25Test = await ScoreAsync("BM25", Search(bm25), testSet);
        var vectorTest = await ScoreAsync("vector", Search(vector), testSet);

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Hybrid fusion chosen on the dev half (questions of even-numbered articles, {dev.Count}) and scored on the held-out half (odd-numbered articles, {test.Count}):");
        report.AppendLine();
        report.AppendLine("| fusion (dev nDCG@10) | " + string.Join(" | ", scored.Select(s => s.Name)) + " |");
        report.AppendLine("|---|" + string.Concat(scored.Select(_ => "---|")));
        report.AppendLine("| dev nDCG@10 | " + string.Join(" | ", scored.Select(s => s.Dev.ToString("F4", CultureInfo.InvariantCulture))) + " |");
        report.AppendLine();
        report.AppendLine("| held-out half | nDCG@10 | recall@100 |");
        report.AppendLine("|---|---|---|");
        foreach (var (name, ndcg, recall, _) in new[] { bm25Test, vectorTest, tuned with { Item1 = $"hybrid: {best.Name}" } })
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Bootstrap.Mean(ndcg, Seed).ToString("F4")} | {Bootstrap.Mean(recall, Seed).ToString("F4")} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| hybrid − BM25 (paired) | {Bootstrap.PairedDifference(tuned.Item2, bm25Test.Item2, Seed).ToString("F4")} | {Bootstrap.PairedDifference(tuned.Item3, bm25Test.Item3, Seed).ToString("F4")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| hybrid − vector (paired) | {Bootstrap.PairedDifference(tuned.Item2, vectorTest.Item2, Seed).ToString("F4")} | {Bootstrap.PairedDifference(tuned.Item3, vectorTest.Item3, Seed).ToString("F4")} |");
    }

    private static Func<string, Task<List<string>>> Search(IRetriever retriever) =>
        async q => (await retriever.RetrieveAsync(new RetrievalRequest(q, 100))).Select(c => c.ChunkId).ToList();

    private static Task<(string, double[], double[], double[])> ScoreAsync(string name, Func<string, Task<List<string>>> search, SquadRetrievalSet data) =>
        ScoreAsync(name, search, new SquadRetrievalSet.Subset(data.Questions));

    private static async Task<(string, double[], double[], double[])> ScoreAsync(string name, Func<string, Task<List<string>>> search, SquadRetrievalSet.Subset data)
    {
        var ndcg = new double[data.Questions.Count];
        var recall = new double[data.Questions.Count];
        var mrr = new double[data.Questions.Count];
        for (var i = 0; i < data.Questions.Count; i++)
        {
            var (question, paragraph) = data.Questions[i];
            var ranked = await search(question);
            var relevant = new HashSet<string> { paragraph.ToString(CultureInfo.InvariantCulture) };
            ndcg[i] = RetrievalMetrics.NdcgAt(ranked, relevant, 10);
            recall[i] = RetrievalMetrics.RecallAt(ranked, relevant, 100);
            mrr[i] = RetrievalMetrics.ReciprocalRank(ranked, relevant, 10);
        }

        return (name, ndcg, recall, mrr);
    }
}
