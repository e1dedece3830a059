using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using LlmStrategies.Evaluation;
using LlmStrategies.Tuning;

namespace TuningSample;

/// <summary>Writes summary.md: the measured goals with the data, split, seeds and machine they were measured on.</summary>
internal sealed class SummaryWriter(TuningSampleOptions options, string dataPath, string[] args)
{
    private readonly StringBuilder _goals = new();
    private readonly StringBuilder _details = new();
    private string _split = string.Empty;

    public string SplitLine { get; private set; } = string.Empty;

    public void Split(EvaluationDataset dataset, DatasetSplits splits)
    {
        static int Articles(EvaluationDataset d) => d.Items.Select(i => i.Metadata["article"]).Distinct(StringComparer.Ordinal).Count();
        SplitLine = I($"SQuAD part A: {dataset.Items.Count:N0} questions, {dataset.Corpus.Count:N0} paragraphs, {Articles(dataset)} articles. Split by article (seed {options.SplitSeed}, 60/20/20 of articles): train {Articles(splits.Train)} articles / {splits.Train.Items.Count:N0} questions, dev {Articles(splits.Dev)} / {splits.Dev.Items.Count:N0}, test {Articles(splits.Test)} / {splits.Test.Items.Count:N0}.");
        _split = SplitLine + I($" Test fingerprint `{splits.Manifest.TestFingerprint}`; manifest: `split.json`.");
    }

    public void Fusion(TuningReport report, HybridFusionTuning tuning)
    {
        var bm25 = report.References.First(r => r.Name.StartsWith("bm25", StringComparison.Ordinal));
        var met = !(bm25.ChosenMinusReference.Significant && bm25.ChosenMinusReference.Difference < 0);
        _goals.Append(I($"| tuned hybrid fusion is not significantly worse than the best single retriever (BM25, best on train) on test | tuned − BM25 alone = {D(bm25.ChosenMinusReference)} | **{(met ? "met" : "NOT met")}** |\n"));
        _details.Append("## Fusion tuned on the train split's relevance judgements (no model calls)\n\n");
        _details.Append(I($"Chosen on {report.Selection.Items:N0} train questions from {tuning.Candidates.Count} settings (3 methods × 12 vector weights, BM25 weight 1): **{tuning.Method}, vector weight {tuning.Weights[1].ToString("R", CultureInfo.InvariantCulture)}**; {report.Metric} on the {report.Test.Items:N0} test questions, searching all 1,023 paragraphs:\n\n"));
        _details.Append("| retriever | train (selection) | test | test: tuned − it |\n|---|---|---|---|\n");
        _details.Append(I($"| tuned fusion | {S(report.Chosen.Selection)} | {S(report.Chosen.Test)} | |\n"));
        _details.Append(I($"| untuned default (z-score, equal weights) | {S(report.Baseline.Selection)} | {S(report.Baseline.Test)} | {D(report.TestGain)} |\n"));
        foreach (var r in report.References)
        {
            var name = r.Name.Split(' ')[0];
            _details.Append(I($"| {r.Name} | {tuning.SingleRetrieverTrainScores[name]:F4} | {S(r.Test)} | {D(r.ChosenMinusReference)} |\n"));
        }

        _details.Append(I($"\nGain over the default: {report.SelectionGain.Difference:+0.0000;-0.0000} on train, {report.TestGain.Difference:+0.0000;-0.0000} on test (winner's curse {report.WinnersCurse:+0.0000;-0.0000}). Reports: `fusion/tuning-report.{{json,md,fragment.html}}`.\n\n"));
    }

    public void Ladder(TuningReport report, TuningResult handSet, TuningResult search, long searchCalls, TuningEstimate estimate, bool deployedMatches)
    {
        var bestRung = handSet.Chosen.GetString("rung");
        var met = !(report.TestGain.Significant && report.TestGain.Difference < 0);
        _goals.Append(I($"| the tuned ladder's best rung is at least as good as the hand-set best rung ({bestRung}, best on dev) on test | tuned − hand-set = {D(report.TestGain)} | **{(met ? "met" : "NOT met")}** |\n"));
        _goals.Append(I($"| the dev → test gain gap is reported | gain {report.SelectionGain.Difference:+0.0000;-0.0000} on dev, {report.TestGain.Difference:+0.0000;-0.0000} on test: winner's curse {report.WinnersCurse:+0.0000;-0.0000} | reported |\n"));
        _details.Append("## The strategy ladder: tuned on dev, evaluated once on test\n\n");
        _details.Append(I($"Hand-set rungs (samples/StrategyLadder Rungs.cs: top 3 paragraphs, z-score fusion with equal weights, the first 3 pool examples) on dev, {SquadEvaluator.F1MetricName}. The extractive baseline ignores examples, so few-shot rungs score as their rung without examples:\n\n| rung | dev |\n|---|---|\n"));
        foreach (var c in handSet.Candidates.OrderBy(c => Array.IndexOf(LadderSpace.Rungs, c.Point.GetString("rung"))))
        {
            _details.Append(I($"| {c.Point.GetString("rung")} | {c.Mean:F4} |\n"));
        }

        _details.Append(I($"\nSearch: {search.Strategy.Space.GridSize:N0} points (rung × top-k 1/2/3/5/8 × chunking paragraph/3-sentence windows × hybrid fusion default/tuned-on-train × few-shot selector fixed/lexical/semantic/MMR × k 1/3), {search.Candidates.Count} distinct strategies (points that build the same pipeline are scored once), successive halving from {LadderSpace.SearchInitialItems} dev items with η = {HalvingBenchmark.Factor}, seed {options.Seed}: rounds {string.Join(" → ", search.Rounds.Select(r => I($"{r.Candidates}@{r.Items}")))}; {searchCalls:N0} model calls (pre-flight upper bound {estimate.Calls:N0}; the full grid would be {search.Candidates.Count * (long)search.Rounds[^1].Items:N0}).\n\n"));
        _details.Append(I($"Chosen: `{search.Chosen}` (settings its rung does not use, such as few-shot.* on a rung without few-shot, have no effect: the point shown is the first in grid order of the {search.Candidates[0].Duplicates.Count + 1} points that build this strategy).\n\n| configuration | dev | test |\n|---|---|---|\n| tuned | {S(report.Chosen.Selection)} | {S(report.Chosen.Test)} |\n| hand-set best ({bestRung}) | {S(report.Baseline.Selection)} | {S(report.Baseline.Test)} |\n"));
        foreach (var r in report.References)
        {
            _details.Append(I($"| {r.Name} | | {S(r.Test)} |\n"));
        }

        _details.Append(I($"\nTuned − hand-set best: {D(report.SelectionGain)} on dev, {D(report.TestGain)} on test. Winner's curse (dev gain − test gain): {report.WinnersCurse:+0.0000;-0.0000}; the tuned configuration's own score moved {-report.ChosenDrop:+0.0000;-0.0000} from dev to test.\n\n"));
        _details.Append(I($"The tuned configuration was saved (`ladder/tuned-configuration.json`), loaded and rebuilt: fingerprint {(deployedMatches ? "matches" : "DOES NOT match")}. Reports: `ladder/tuning-report.{{json,md,fragment.html}}`; regression-gate baseline: `ladder/gate-baseline.json`.\n\n"));
    }

    public void Halving(HalvingBenchmarkResult b)
    {
        foreach (var group in b.Runs.GroupBy(r => r.InitialItems))
        {
            var runs = group.ToArray();
            var same = runs.Count(r => r.SameChoice);
            var ratios = runs.Select(r => (double)b.GridModelCalls / r.ModelCalls).OrderBy(r => r).ToArray();
            var verdict = same == runs.Length && ratios[0] >= 3 ? "met" : ratios[0] >= 3 ? $"≥ 3× fewer calls: met; same choice: {same} of {runs.Length} seeds" : "NOT met";
            _goals.Append(I($"| successive halving (first round {group.Key} dev items, η = {HalvingBenchmark.Factor}) reaches the full grid's choice with ≥ 3× fewer model calls | same choice in {same} of {runs.Length} seeds; {Range(ratios[0], ratios[^1])}× fewer calls; largest regret (dev) {runs.Max(r => r.Regret):F4} | **{verdict}** |\n"));
        }

        _details.Append("## Successive halving against the full grid\n\n");
        _details.Append(I($"Constructed benchmark: {b.Candidates} distinct configurations (rag-bm25 / rag-vector / rag-hybrid / rag-vector-adapted × top-k 1, 2, 3, 5, 8 × paragraphs / 3-sentence windows), scored on the {b.DevItems:N0} dev questions. Full grid: **{b.GridModelCalls:N0} model calls** (counted by a decorator around the extractive baseline); its choice: `{b.GridChoice}` (dev {b.GridChoiceDevMean:F4}). Successive halving: η = {HalvingBenchmark.Factor}, a first round of {string.Join(" or ", HalvingBenchmark.InitialItems)} dev items; each seed orders dev differently; a fresh tuner (empty response cache) per search; the untuned default's dev evaluation (hand-set rag-bm25) is counted too. The search's own calls (without the default) are in the last column.\n\n"));
        _details.Append("The grid's best candidates (how close the race is; the ladder section gives the paired dev interval of the first two, which are the tuned and hand-set ladder choices):\n\n| configuration | dev |\n|---|---|\n");
        foreach (var c in b.GridTop)
        {
            _details.Append(I($"| {c.Point.Id} | {c.Mean:F4} |\n"));
        }

        _details.Append("\n| first round | seed | rounds | model calls | fewer than the grid | same choice | halving's choice (dev) | regret (grid best − it, dev) | search runs |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in b.Runs)
        {
            _details.Append(I($"| {r.InitialItems} | {r.Seed} | {string.Join(" → ", r.Schedule.Select(s => I($"{s.Candidates}@{s.Items}")))} | {r.ModelCalls:N0} | {(double)b.GridModelCalls / r.ModelCalls:F1}× | {(r.SameChoice ? "yes" : "no")} | {(r.SameChoice ? "same" : $"`{r.Chosen}` ({r.ChosenDevMean:F4})")} | {r.Regret:F4} | {r.SearchRuns:N0} |\n"));
        }

        _details.Append('\n');
    }

    public void Grid(ModelStrategyGridReport report)
    {
        _details.Append("## Model × strategy grid (stand-ins, NOT language models)\n\n");
        _details.Append("The two \"models\" are deterministic stand-ins that exercise the grid and its pivot offline: the extractive baseline, and the same baseline answering with its sentence minus the question's words (`AnswerTrimmingChatClient`). Their prices are invented (`illustrative-prices.json`). Any `IChatClient` with a price runs the same way.\n\n");
        _details.Append(report.ToMarkdown().Replace("## ", "### ", StringComparison.Ordinal)).Append('\n');
    }

    public void Save(string path, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.Append("# Tune on dev, prove on test: measured goals\n\n");
        text.Append(I($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; total wall time {elapsed.TotalMinutes:F1} min (not a timing benchmark: the counts of model calls are what is compared).\n"));
        text.Append(I($"- Machine: {Cpu()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}.\n"));
        text.Append(I($"- Command: `dotnet run -c Release --project samples/Tuning -- {string.Join(' ', args)}`\n"));
        text.Append(I($"- Data: `{Path.GetFileName(dataPath)}` (sha256 `{Sha256(dataPath)}`). {_split}\n"));
        text.Append(I($"- Model: the offline extractive baseline (`ExtractiveBaselineChatClient`), which is NOT a language model: it answers with the context sentence that best matches the question, so SQuAD F1 is low for every configuration (a sentence, not a span) and ~0 without retrieved context.\n"));
        text.Append(I($"- Metric: {SquadEvaluator.F1MetricName} (official normalisation) for answers; nDCG@10 on the relevant paragraph for retrieval. Intervals: 95% percentile bootstrap, {options.Resamples:N0} resamples, seed {options.Seed}; p-values: paired permutation (sign-flip) test; significant = p < 0.05 and the paired interval excludes 0.\n\n"));
        text.Append("| goal | measured | verdict |\n|---|---|---|\n").Append(_goals).Append('\n').Append(_details);
        AtomicText.Write(path, text.ToString());
    }

    private static string S(ScoreSummary s) => s.Items == 0 ? "n/a" : I($"{s.Mean:F4} [{s.Lower:F4}, {s.Upper:F4}]");

    private static string D(PairedComparison c) => I($"{c.Difference:+0.0000;-0.0000;0.0000} [{c.Lower:+0.0000;-0.0000;0.0000}, {c.Upper:+0.0000;-0.0000;0.0000}], p {(c.PValue < 0.0001 ? "< 0.0001" : "= " + c.PValue.ToString("0.0000", CultureInfo.InvariantCulture))}{(c.Significant ? " (significant)" : " (not significant)")}");

    private static string Range(double low, double high) => Math.Round(low, 1) == Math.Round(high, 1) ? I($"{low:F1}") : I($"{low:F1} to {high:F1}");

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Cpu()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>Writes a text file atomically (temporary file, then rename).</summary>
internal static class AtomicText
{
    public static void Write(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
