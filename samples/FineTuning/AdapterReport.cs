using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using LlmStrategies.FineTuning.EmbeddingAdapters;

namespace FineTuningSample;

/// <summary>
/// Trains an embedding adapter for the local Universal Sentence Encoder Lite on the train articles of a retrieval set,
/// selects the epoch on the development articles, and measures base against adapted retrieval on the held-out test
/// articles (the whole corpus is searched): recall@1/5/10, MRR@10 and nDCG@10 with 95% bootstrap intervals and the
/// paired difference; then repeats with other article splits to show how stable the effect is. Writes markdown.
/// </summary>
internal static class AdapterReport
{
    private const int D = LocalEmbeddingGenerator.Dimensions;
    private const int Resamples = 10_000;
    private const int BootstrapSeed = 1;

    public static string Run(AdapterReportSettings settings, TextWriter log)
    {
        var started = DateTimeOffset.UtcNow;
        var corpus = EmbeddedSet.Create(settings, log);
        var primary = RunSplit(corpus, settings.SplitSeed, settings.Training, log);
        var others = settings.ExtraSplitSeeds.Select(seed => RunSplit(corpus, seed, settings.Training, log)).ToList();
        return Markdown(settings, corpus, primary, others, started);
    }

    /// <summary>Hyper-parameter search that looks at the development articles only (never at the test articles).</summary>
    public static void Grid(AdapterReportSettings settings, TextWriter log, IEnumerable<EmbeddingAdapterTrainingOptions> grid)
    {
        var corpus = EmbeddedSet.Create(settings, log);
        var (trainArticles, devArticles, _) = corpus.Data.SplitArticles(settings.SplitSeed);
        var train = corpus.PairsFor(trainArticles);
        var development = corpus.PairsFor(devArticles);
        foreach (var o in grid)
        {
            var clock = Stopwatch.StartNew();
            var result = new EmbeddingAdapterTrainer(o).Train(train, development);
            log.WriteLine(FormattableString.Invariant($"rank {o.Rank,3} lr {o.LearningRate,-7} T {o.Temperature,-5} wd {o.WeightDecay,-5} batch {o.BatchSize,4} hn {o.HardNegativesPerQuery}: development MRR@10 {result.BaseDevelopmentMrr:F4} -> {result.BestDevelopmentMrr:F4} (epoch {result.BestEpoch}/{result.Epochs.Count - 1}) {clock.Elapsed.TotalSeconds:F1}s"));
        }
    }

    private static SplitOutcome RunSplit(EmbeddedSet corpus, int splitSeed, EmbeddingAdapterTrainingOptions options, TextWriter log)
    {
        var data = corpus.Data;
        var (trainArticles, devArticles, testArticles) = data.SplitArticles(splitSeed);
        var train = corpus.PairsFor(trainArticles);
        var development = corpus.PairsFor(devArticles);
        var testQuestions = Enumerable.Range(0, data.Questions.Count).Where(i => testArticles.Contains(data.ArticleOfParagraph[data.Questions[i].Paragraph])).ToList();

        var clock = Stopwatch.StartNew();
        var result = new EmbeddingAdapterTrainer(options).Train(train, development);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        log.WriteLine($"Split {splitSeed}: trained in {trainSeconds:F1} s, best epoch {result.BestEpoch} of {result.Epochs.Count - 1}, development MRR@10 {result.BaseDevelopmentMrr:F4} -> {result.BestDevelopmentMrr:F4}.");

        // The adapter goes through its file format, as it would in production.
        var file = Path.Combine(Path.GetTempPath(), $"use-lite-adapter-{Guid.NewGuid():N}.bin");
        result.Adapter.Save(file);
        var adapter = EmbeddingAdapter.Load(file);
        var fileBytes = new FileInfo(file).Length;
        File.Delete(file);

        clock.Restart();
        var adaptedParagraphs = new float[corpus.ParagraphVectors.Length];
        for (var p = 0; p < data.Paragraphs.Count; p++)
        {
            adapter.Transform(corpus.Paragraph(p), adaptedParagraphs.AsSpan(p * D, D));
        }

        var baseScores = new Scores(testQuestions.Count);
        var adaptedScores = new Scores(testQuestions.Count);
        var query = new float[D];
        for (var t = 0; t < testQuestions.Count; t++)
        {
            var paragraph = data.Questions[testQuestions[t]].Paragraph;
            var vector = corpus.Question(testQuestions[t]);
            baseScores.Add(t, Rank(vector, corpus.ParagraphVectors, data.Paragraphs.Count), paragraph);
            adapter.Transform(vector, query);
            adaptedScores.Add(t, Rank(query, adaptedParagraphs, data.Paragraphs.Count), paragraph);
        }

        return new SplitOutcome(splitSeed, (trainArticles.Count, devArticles.Count, testArticles.Count), train, development, testQuestions.Count,
            result, adapter, fileBytes, trainSeconds, clock.Elapsed.TotalSeconds, baseScores, adaptedScores);
    }

    /// <summary>The ids of the 10 best paragraphs by cosine (vectors are normalised), best first, ties by position.</summary>
    private static List<string> Rank(ReadOnlySpan<float> query, float[] corpus, int count)
    {
        var scores = new float[count];
        for (var p = 0; p < count; p++)
        {
            scores[p] = TensorPrimitives.Dot(query, corpus.AsSpan(p * D, D));
        }

        return [.. Enumerable.Range(0, count).OrderByDescending(p => scores[p]).ThenBy(p => p).Take(10).Select(p => p.ToString(CultureInfo.InvariantCulture))];
    }

    private static string Markdown(AdapterReportSettings settings, EmbeddedSet corpus, SplitOutcome primary, List<SplitOutcome> others, DateTimeOffset started)
    {
        var o = settings.Training;
        var data = corpus.Data;
        var adapter = primary.Adapter;
        var report = new StringBuilder();
        void Line(FormattableString text) => report.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"# Embedding adapter on {(data.IsSquad ? "SQuAD" : "a generated set")}: base vs adapted retrieval on held-out articles");
        Line($"");
        Line($"- **Date:** {started:yyyy-MM-dd HH:mm} UTC");
        Line($"- **Machine:** {Machine()}");
        Line($"- **Command:** `{settings.CommandLine}`");
        Line($"- **Data:** {data.Name}: {data.Paragraphs.Count:N0} paragraphs, {data.Questions.Count:N0} questions, {data.ArticleCount} articles.");
        Line($"- **Split (by article, seed {primary.SplitSeed}):** train {primary.Articles.Train} articles / {primary.Train.QueryCount:N0} pairs / {primary.Train.PassageCount} paragraphs; development {primary.Articles.Development} articles / {primary.Development.QueryCount:N0} pairs; test {primary.Articles.Test} articles / {primary.TestCount:N0} questions. Test questions search the **whole corpus** ({data.Paragraphs.Count:N0} paragraphs); no test article contributes a training or development pair.");
        Line($"- **Base model:** Universal Sentence Encoder Lite ({D}-d, `LlmStrategies.Embeddings.Local`); texts are truncated to their first 128 tokens, as in the original model.");
        Line($"- **Adapter:** f(x) = normalize(x + Bᵀ(A·x)), rank {adapter.Rank}, identity at the start (B = 0); {2 * adapter.Rank * adapter.Dimensions:N0} parameters, file {primary.FileBytes:N0} bytes (saved and reloaded before evaluation), fingerprint `{adapter.Fingerprint}`.");
        Line($"- **Training:** in-batch-negatives InfoNCE, temperature {o.Temperature}, AdamW lr {o.LearningRate}, weight decay {o.WeightDecay}, batch {o.BatchSize} queries with {o.HardNegativesPerQuery} mined hard negative(s) each, at most {o.MaxEpochs} epochs, patience {o.Patience} on development MRR@10, seed {o.Seed}. Hyper-parameters were chosen on the development articles of split {primary.SplitSeed} (`adapter-grid`), never on test articles.");
        Line($"- **Time:** embedding {corpus.EmbedSeconds:F1} s (all {data.Paragraphs.Count + data.Questions.Count:N0} texts, once, {Environment.ProcessorCount} threads), training {primary.TrainSeconds:F1} s (one thread), evaluation {primary.EvaluateSeconds:F1} s.");
        Line($"");
        Line($"## Result on the test articles (split {primary.SplitSeed})");
        Line($"");
        Line($"Means with 95% percentile bootstrap intervals ({Resamples:N0} resamples over test questions, seed {BootstrapSeed}); the difference is paired (same questions).");
        Line($"");
        Line($"| metric | base | adapted | difference (adapted − base) | significant? |");
        Line($"|---|---|---|---|---|");
        foreach (var (name, b, a) in primary.Base.Metrics.Zip(primary.Adapted.Metrics, (b, a) => (b.Name, b.Values, a.Values)))
        {
            var difference = Bootstrap.PairedDifference(a, b, BootstrapSeed, Resamples);
            Line($"| {name} | {Bootstrap.Mean(b, BootstrapSeed, Resamples).ToString("F4")} | {Bootstrap.Mean(a, BootstrapSeed, Resamples).ToString("F4")} | {difference.ToString("F4")} | {Verdict(difference)} |");
        }

        var ndcg = Bootstrap.PairedDifference(primary.Adapted.Ndcg10, primary.Base.Ndcg10, BootstrapSeed, Resamples);
        Line($"");
        Line($"**Conclusion:** {(ndcg.Lower > 0 ? $"the adapter improves nDCG@10 on held-out articles by {ndcg.Estimate:F4} (95% CI {ndcg.Lower:F4} to {ndcg.Upper:F4}, {100 * ndcg.Estimate / primary.Base.Ndcg10.Average():F1} % relative); the interval excludes 0." : ndcg.Upper < 0 ? $"the adapter makes nDCG@10 worse on held-out articles by {-ndcg.Estimate:F4} (95% CI {ndcg.Lower:F4} to {ndcg.Upper:F4})." : $"no significant change in nDCG@10 on held-out articles ({ndcg.Estimate:F4}, 95% CI {ndcg.Lower:F4} to {ndcg.Upper:F4}).")}");
        if (others.Count > 0)
        {
            Line($"");
            Line($"## Other article splits (same hyper-parameters)");
            Line($"");
            Line($"| split seed | test questions | best epoch | development MRR@10 base → adapted | test nDCG@10 base | test nDCG@10 adapted | difference [95% CI] | significant? |");
            Line($"|---:|---:|---:|---|---|---|---|---|");
            foreach (var split in others.Prepend(primary))
            {
                var difference = Bootstrap.PairedDifference(split.Adapted.Ndcg10, split.Base.Ndcg10, BootstrapSeed, Resamples);
                Line($"| {split.SplitSeed} | {split.TestCount:N0} | {split.Training.BestEpoch} | {split.Training.BaseDevelopmentMrr:F4} → {split.Training.BestDevelopmentMrr:F4} | {split.Base.Ndcg10.Average():F4} | {split.Adapted.Ndcg10.Average():F4} | {difference.ToString("F4")} | {Verdict(difference)} |");
            }
        }

        Line($"");
        Line($"## Training history (split {primary.SplitSeed})");
        Line($"");
        Line($"Epoch 0 is the base model (the identity adapter). The kept adapter is epoch {primary.Training.BestEpoch}{(primary.Training.StoppedEarly ? " (training stopped early)" : string.Empty)}.");
        Line($"");
        Line($"| epoch | training loss | development MRR@10 |");
        Line($"|---:|---:|---:|");
        foreach (var epoch in primary.Training.Epochs)
        {
            Line($"| {epoch.Epoch} | {(epoch.Epoch == 0 ? "-" : epoch.TrainingLoss.ToString("F4", CultureInfo.InvariantCulture))} | {epoch.DevelopmentMrr:F4} |");
        }

        var decision = FineTuningAdvisor.Decide(new FineTuningAdvisorInput
        {
            // The adapter changes retrieval, not the prompt: both strategies send the same tokens to the same model.
            FineTuned = new MeasuredStrategy("rag + adapted embeddings", primary.Adapted.Ndcg10, new TokensPerCall(1200, 60), ExamplePrices),
            Baseline = new MeasuredStrategy("rag + base embeddings", primary.Base.Ndcg10, new TokensPerCall(1200, 60), ExamplePrices),
            TrainingCost = 0m,
            ExpectedCallsPerMonth = 100_000,
            BaseModelLifetimeMonths = 12,
        });
        Line($"");
        Line($"## Go/no-go (FineTuningAdvisor on per-question nDCG@10, split {primary.SplitSeed})");
        Line($"");
        Line($"Assumptions: local training has no bill (training cost 0; {primary.TrainSeconds:F0} s of one core), both strategies send the same prompt to the same model (illustrative prices 0.15/0.075/0.60 per 1M input/cached/output tokens, 1,200/60 tokens per call), 100,000 calls/month, the embedding model changes every 12 months.");
        Line($"");
        report.AppendLine("```");
        report.AppendLine(decision.Explanation);
        report.AppendLine("```");
        return report.ToString();
    }

    /// <summary>Illustrative prices per million tokens (input, cached input, output); only their equality matters here.</summary>
    private static ModelPrice ExamplePrices => new(0.15m, 0.075m, 0.60m);

    private static string Verdict(ConfidenceInterval difference) => difference.Lower > 0 ? "yes, better" : difference.Upper < 0 ? "yes, worse" : "no";

    private static string Machine()
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }

        var simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? ", AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? ", AVX2" : string.Empty;
        return $"{cpu}{simd}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})";
    }

    /// <summary>The retrieval set with every paragraph and question embedded once by the base model, kept in memory.</summary>
    private sealed class EmbeddedSet
    {
        public required RetrievalSet Data { get; init; }

        public required float[] ParagraphVectors { get; init; }

        public required float[] QuestionVectors { get; init; }

        public required double EmbedSeconds { get; init; }

        public static EmbeddedSet Create(AdapterReportSettings settings, TextWriter log)
        {
            var data = RetrievalSet.Load(settings.SharedRoot);
            log.WriteLine($"Data: {data.Name}: {data.Paragraphs.Count:N0} paragraphs, {data.Questions.Count:N0} questions, {data.ArticleCount} articles.");
            var clock = Stopwatch.StartNew();
            using var generator = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = settings.ModelDirectory, MaxDegreeOfParallelism = Environment.ProcessorCount });
            var paragraphs = new float[data.Paragraphs.Count * D];
            var questions = new float[data.Questions.Count * D];
            generator.EmbedInto(data.Paragraphs.ToArray(), paragraphs);
            generator.EmbedInto(data.Questions.Select(q => q.Question).ToArray(), questions);
            log.WriteLine($"Embedded {data.Paragraphs.Count + data.Questions.Count:N0} texts in {clock.Elapsed.TotalSeconds:F1} s.");
            return new EmbeddedSet { Data = data, ParagraphVectors = paragraphs, QuestionVectors = questions, EmbedSeconds = clock.Elapsed.TotalSeconds };
        }

        public ReadOnlySpan<float> Paragraph(int index) => ParagraphVectors.AsSpan(index * D, D);

        public ReadOnlySpan<float> Question(int index) => QuestionVectors.AsSpan(index * D, D);

        /// <summary>The (question, paragraph) pairs of the given articles, as an adapter's training or development set.</summary>
        public EmbeddingPairSet PairsFor(HashSet<int> articles)
        {
            var paragraphs = Enumerable.Range(0, Data.Paragraphs.Count).Where(p => articles.Contains(Data.ArticleOfParagraph[p])).ToList();
            var slot = paragraphs.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
            var questions = Enumerable.Range(0, Data.Questions.Count).Where(q => slot.ContainsKey(Data.Questions[q].Paragraph)).ToList();
            var passageMatrix = new float[paragraphs.Count * D];
            for (var i = 0; i < paragraphs.Count; i++)
            {
                Paragraph(paragraphs[i]).CopyTo(passageMatrix.AsSpan(i * D));
            }

            var queryMatrix = new float[questions.Count * D];
            for (var i = 0; i < questions.Count; i++)
            {
                Question(questions[i]).CopyTo(queryMatrix.AsSpan(i * D));
            }

            return new EmbeddingPairSet(D, queryMatrix, passageMatrix, [.. questions.Select(q => slot[Data.Questions[q].Paragraph])], LocalEmbeddingGenerator.ModelId);
        }
    }

    private sealed record SplitOutcome(
        int SplitSeed,
        (int Train, int Development, int Test) Articles,
        EmbeddingPairSet Train,
        EmbeddingPairSet Development,
        int TestCount,
        EmbeddingAdapterTrainingResult Training,
        EmbeddingAdapter Adapter,
        long FileBytes,
        double TrainSeconds,
        double EvaluateSeconds,
        Scores Base,
        Scores Adapted);

    /// <summary>Per-question metric values, in test-question order.</summary>
    private sealed class Scores(int count)
    {
        public double[] Recall1 { get; } = new double[count];

        public double[] Recall5 { get; } = new double[count];

        public double[] Recall10 { get; } = new double[count];

        public double[] Mrr10 { get; } = new double[count];

        public double[] Ndcg10 { get; } = new double[count];

        public (string Name, double[] Values)[] Metrics => [("recall@1", Recall1), ("recall@5", Recall5), ("recall@10", Recall10), ("MRR@10", Mrr10), ("nDCG@10", Ndcg10)];

        public void Add(int index, List<string> ranked, int paragraph)
        {
            var relevant = new HashSet<string>(StringComparer.Ordinal) { paragraph.ToString(CultureInfo.InvariantCulture) };
            Recall1[index] = RetrievalMetrics.RecallAt(ranked, relevant, 1);
            Recall5[index] = RetrievalMetrics.RecallAt(ranked, relevant, 5);
            Recall10[index] = RetrievalMetrics.RecallAt(ranked, relevant, 10);
            Mrr10[index] = RetrievalMetrics.ReciprocalRank(ranked, relevant, 10);
            Ndcg10[index] = RetrievalMetrics.NdcgAt(ranked, relevant, 10);
        }
    }
}

internal sealed class AdapterReportSettings
{
    public string? SharedRoot { get; init; }

    public string? ModelDirectory { get; init; }

    public int SplitSeed { get; init; } = 1;

    public IReadOnlyList<int> ExtraSplitSeeds { get; init; } = [];

    public EmbeddingAdapterTrainingOptions Training { get; init; } = new();

    public string CommandLine { get; init; } = string.Empty;
}
