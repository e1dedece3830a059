using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using LlmStrategies.Benchmarks.FewShot;
using LlmStrategies.Benchmarks.Retrieval;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;
using LlmStrategies.Prompting;

namespace LlmStrategies.Benchmarks.Analysis;

/// <summary>
/// Plain commands (not BenchmarkDotNet) for data work:
///   analysis threshold            the near-duplicate threshold sweep on the hand-written pair set
///   analysis squad-example [dir]  the offline ladder on the SQuAD part, then profile → where it fails → what to fix first
///   analysis scale [items]        a synthetic set (default 100,000 items, 5,000 documents): time and peak working set
/// </summary>
internal static class AnalysisCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["threshold", ..]:
                Console.WriteLine(await ThresholdSweepAsync());
                return 0;
            case ["squad-example", ..]:
                Console.WriteLine(await SquadExampleAsync(args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "llmstrategies-squad-example")));
                return 0;
            case ["scale", ..]:
                Console.WriteLine(await ScaleAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000));
                return 0;
            default:
                Console.Error.WriteLine("usage: analysis threshold | analysis squad-example [output-dir] | analysis scale [items]");
                return 2;
        }
    }

    private static LocalEmbeddingGenerator Model() => new(new LocalEmbeddingOptions { ModelDirectory = BenchmarkModel.Directory(), MaxDegreeOfParallelism = Environment.ProcessorCount, AutoDownload = false });

    /// <summary>Cosine of every pair of the hand-written set, then precision, recall and F1 of "near-duplicate" at each threshold.</summary>
    private static async Task<string> ThresholdSweepAsync()
    {
        var path = Path.Combine(SquadRetrievalSet.RepositoryRoot(), "benchmarks", "LlmStrategies.Benchmarks", "Analysis", "near-duplicate-pairs.tsv");
        var pairs = File.ReadLines(path).Where(l => !l.StartsWith('#') && !l.StartsWith("label", StringComparison.Ordinal) && l.Length > 0)
            .Select(l => l.Split('\t')).Select(f => (Label: f[0] == "1", A: f[1], B: f[2])).ToArray();
        using var model = Model();
        var a = await model.GenerateAsync(pairs.Select(p => p.A));
        var b = await model.GenerateAsync(pairs.Select(p => p.B));
        var cosines = pairs.Select((p, i) => (p.Label, p.A, p.B, Cosine: (double)TensorPrimitives.CosineSimilarity(a[i].Vector.Span, b[i].Vector.Span))).ToArray();
        var text = new StringBuilder();
        var positives = cosines.Where(c => c.Label).Select(c => c.Cosine).Order().ToArray();
        var negatives = cosines.Where(c => !c.Label).Select(c => c.Cosine).Order().ToArray();
        text.Append(CultureInfo.InvariantCulture, $"{pairs.Length} pairs ({positives.Length} near-duplicates, {negatives.Length} same-template different questions) from {Path.GetFileName(path)}; model USE-Lite (local).\n\n");
        text.Append(CultureInfo.InvariantCulture, $"near-duplicates: cosine min {positives[0]:F3}, median {positives[positives.Length / 2]:F3}, max {positives[^1]:F3}\n");
        text.Append(CultureInfo.InvariantCulture, $"different questions: cosine min {negatives[0]:F3}, median {negatives[negatives.Length / 2]:F3}, max {negatives[^1]:F3}\n\n");
        text.Append("| threshold | flagged | true | false | missed | precision | recall | F1 |\n|---|---|---|---|---|---|---|---|\n");
        var best = (Threshold: 0.0, F1: -1.0);
        for (var t = 0.70; t <= 0.995; t += 0.01)
        {
            var threshold = Math.Round(t, 2);
            var tp = cosines.Count(c => c.Label && c.Cosine >= threshold);
            var fp = cosines.Count(c => !c.Label && c.Cosine >= threshold);
            var fn = positives.Length - tp;
            var precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
            var recall = (double)tp / positives.Length;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 >= best.F1)
            {
                best = (threshold, f1); // ties go to the higher threshold (fewer false alarms)
            }

            text.Append(CultureInfo.InvariantCulture, $"| {threshold:F2} | {tp + fp} | {tp} | {fp} | {fn} | {precision:F3} | {recall:F3} | {f1:F3} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nHighest F1 (ties: the higher threshold): {best.Threshold:F2} (F1 {best.F1:F3}).\n\nDifferent questions at or above it:\n");
        foreach (var c in cosines.Where(c => !c.Label && c.Cosine >= best.Threshold).OrderByDescending(c => c.Cosine))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {c.Cosine:F3}  {c.A} | {c.B}\n");
        }

        text.Append("\nNear-duplicates below it:\n");
        foreach (var c in cosines.Where(c => c.Label && c.Cosine < best.Threshold).OrderBy(c => c.Cosine))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {c.Cosine:F3}  {c.A} | {c.B}\n");
        }

        // Not used for the choice: what the library's default finds on the SQuAD part, with a seeded sample to read.
        var squad = AnalysisWorkloads.LoadSquad();
        var profile = await DataWork.ProfileAsync(squad, AnalysisWorkloads.Split(squad), new DataWorkOptions { MaxListedItems = int.MaxValue }, model);
        var near = profile.Duplicates.Examples.Where(g => g.Kind == "near").ToArray();
        var random = new Random(20240601);
        text.Append(CultureInfo.InvariantCulture, $"\nSQuAD part A ({squad.Items.Count:N0} questions) at the library default {DataWorkOptions.DefaultNearDuplicateThreshold:F2}: {profile.Duplicates.NearPairs:N0} near pairs ({near.Count(g => g.CrossSplit):N0} across splits, {near.Count(g => g.ConflictingGold):N0} with different gold), {profile.Duplicates.ExactGroups:N0} exact groups. {Math.Min(15, near.Length)} near pairs sampled with seed 20240601:\n");
        foreach (var group in near.OrderBy(_ => random.Next()).Take(15).OrderByDescending(g => g.Similarity))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {group.Similarity:F3} {(group.CrossSplit ? "cross-split" : "same split")}{(group.ConflictingGold ? ", different gold" : string.Empty)}: {string.Join(" | ", group.Items.Select(i => $"{i.Input} → {string.Join(" / ", i.Gold.Take(1))}"))}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The ladder sample's integration, on the SQuAD part: run the offline ladder on the test split, report it, then the
    /// data-work step (profile → where it fails → what to fix first) and the report's "Where it fails" section.
    /// Explains and returns without running when the shared data or the embedding model is absent.
    /// </summary>
    private static async Task<string> SquadExampleAsync(string output)
    {
        const string SquadFile = "data/squad/squad-v1.1-dev-part-a.json";
        EvaluationDataset dataset;
        LocalEmbeddingGenerator model;
        try
        {
            dataset = AnalysisWorkloads.LoadSquad();
            model = Model();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or LocalEmbeddingModelException)
        {
            return $"SQuAD example skipped: it needs {SquadFile} from the shared material (../shared beside the repository, or LLMSTRATEGIES_SHARED) and the USE-Lite model (.models/use-lite or {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable}; tools/fetch-embedding-model.sh). {ex.Message}";
        }

        using var embeddingModel = model;
        var splits = AnalysisWorkloads.Split(dataset);
        var run = await AnalysisWorkloads.RunLadderAsync(dataset, splits.Test, embeddingModel);
        var report = ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = ContainsEvaluator.MetricName, PrimaryMetricReason = "the extractive baseline's answer contains a gold answer", Seed = AnalysisWorkloads.Seed });

        // The step the ladder sample gains after scoring (see the report to the lead for the exact code).
        var timed = new TimedEmbeddingGenerator(embeddingModel);
        var stopwatch = Stopwatch.StartNew();
        var dataWork = await DataWork.AnalyzeAsync(
            dataset,
            splits,
            run,
            new DataWorkOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base", Strategy = report.Recommendation?.Strategy, Seed = AnalysisWorkloads.Seed },
            timed);
        var elapsed = stopwatch.Elapsed;
        report = report.WithWhereItFails(dataWork);
        var paths = report.SaveAll(output).Concat(dataWork.SaveAll(output));

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SQuAD v1.1 dev part A: {dataset.Items.Count:N0} questions, {dataset.Corpus.Count:N0} paragraphs. ");
        text.Append(CultureInfo.InvariantCulture, $"Test set: the test split, {splits.Test.Items.Count:N0} of {dataset.Items.Count:N0} questions, split 60/20/20 by article with DatasetSplitter seed {AnalysisWorkloads.Seed} (whole articles, so no paragraph is in two splits).\n");
        text.Append("Rungs answered by the extractive baseline (no language model), scored with contains, SQuAD EM/F1 and retrieval@3:\n");
        foreach (var strategy in report.Strategies)
        {
            var metrics = strategy.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name} {m.Mean:0.000} [{m.Lower:0.000}, {m.Upper:0.000}]"));
            text.Append(CultureInfo.InvariantCulture, $"  {strategy.Strategy.Name}: {string.Join("; ", metrics)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Recommendation: {report.Recommendation?.Strategy ?? "none"}.\n\n");
        text.Append(DataWorkConsole.Summary(dataWork, top: 5));
        text.Append(CultureInfo.InvariantCulture, $"\nData work on {dataset.Items.Count:N0} items + {dataset.Corpus.Count:N0} paragraphs ({run.Records.Count:N0} run records): {elapsed.TotalSeconds:F1} s, of which embedding {timed.Texts:N0} texts {timed.Elapsed.TotalSeconds:F1} s.\n");
        text.Append(CultureInfo.InvariantCulture, $"Machine: {CpuModel()}, {Environment.ProcessorCount} logical processors; {RuntimeInformation.FrameworkDescription}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.\n");
        text.Append(CultureInfo.InvariantCulture, $"Wrote {string.Join(", ", paths.Select(Path.GetFileName))} in {output}.");
        return text.ToString();
    }

    private static string CpuModel() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The synthetic set at scale: generate, split, simulate a run, analyse with the real model; time and peak working set.</summary>
    private static async Task<string> ScaleAsync(int items)
    {
        var total = Stopwatch.StartNew();
        var dataset = SyntheticDataset.Create(items, documents: Math.Max(100, items / 20), seed: 7);
        var splits = DatasetSplitter.Split(dataset, new SplitOptions { Seed = 7, TrainFraction = 0.6, DevFraction = 0.2, TestFraction = 0.2, GroupBy = "company" }).Apply(dataset);
        var run = SyntheticDataset.SimulatedRun(splits.Test, dataset.Corpus.Count, seed: 7);
        var prepared = total.Elapsed;
        using var model = Model();
        var timed = new TimedEmbeddingGenerator(model);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var analysis = Stopwatch.StartNew();
        var report = await DataWork.AnalyzeAsync(dataset, splits, run, new DataWorkOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base", Strategy = "rag" }, timed);
        var elapsed = analysis.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        var d = report.Profile.Duplicates;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
            {items:N0} items, {dataset.Corpus.Count:N0} documents, {splits.Test.Items.Count:N0} test items, {run.Records.Count:N0} run records (generated in {prepared.TotalSeconds:F1} s).
            AnalyzeAsync: {elapsed.TotalSeconds:F1} s, of which embedding {timed.Texts:N0} distinct inputs {timed.Elapsed.TotalSeconds:F1} s ({timed.Texts / timed.Elapsed.TotalSeconds:N0}/s) and everything else {(elapsed - timed.Elapsed).TotalSeconds:F1} s.
            Allocated during AnalyzeAsync: {allocated / 1048576.0:N0} MiB; peak working set of the process: {process.PeakWorkingSet64 / 1048576.0:N0} MiB; GC heap after: {GC.GetTotalMemory(false) / 1048576.0:N0} MiB.
            Found: {d.ExactGroups:N0} exact groups, {d.NearPairs:N0} near pairs, {d.CrossSplit:N0} cross-split, {report.Profile.Answerability!.NotInCorpus:N0} answers in no document; {report.Failures.Slices.Count(s => s.Flagged)} flagged slices; k = {report.Failures.Clusters.K} clusters of {report.Failures.Clusters.Failures:N0} failures.
            {DataWorkConsole.Summary(report)}
            Runtime {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} processors, server GC {System.Runtime.GCSettings.IsServerGC}.
            """);
    }
}
