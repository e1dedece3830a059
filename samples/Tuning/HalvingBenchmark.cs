using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tuning;

namespace TuningSample;

/// <summary>One successive-halving run of the efficiency benchmark.</summary>
internal sealed record HalvingRun(int InitialItems, int Seed, long ModelCalls, int SearchRuns, bool SameChoice, string Chosen, double ChosenDevMean, double Regret, IReadOnlyList<(int Candidates, int Items)> Schedule);

/// <summary>The efficiency benchmark: the full grid once, successive halving with several seeds, every call counted at the model.</summary>
internal sealed record HalvingBenchmarkResult(int Candidates, int DevItems, long GridModelCalls, string GridChoice, double GridChoiceDevMean, IReadOnlyList<CandidateScore> GridTop, IReadOnlyList<HalvingRun> Runs);

/// <summary>
/// Constructs the benchmark: retrieval rungs (BM25, vector, hybrid, adapter-tuned vector) × top-k (1, 2, 3, 5, 8) ×
/// chunking (paragraphs, 3-sentence windows) = 40 distinct configurations, scored on the whole dev split by the full grid
/// and by successive halving (η = 3, a first round of 30 and of 90 dev items) for each seed. Each search gets a fresh
/// tuner (its own empty in-memory response cache), and <see cref="CountingChatClient"/> counts every call that reaches
/// the model, the untuned default's dev evaluation included.
/// </summary>
internal static class HalvingBenchmark
{
    public static readonly int[] InitialItems = [30, 90];
    public const int Factor = 3;

    public static IReadOnlyList<SearchPoint> Candidates(SearchSpace space) =>
        (from rung in new[] { "rag-bm25", "rag-vector", "rag-hybrid", "rag-vector-adapted" }
         from top in new[] { 1, 2, 3, 5, 8 }
         from chunking in new[] { "paragraph", "sentences-3" }
         select space.Point(("rung", rung), ("retrieval.top", top), ("chunking", chunking), ("hybrid.fusion", "default"), ("few-shot.selector", "fixed"), ("few-shot.k", 3))).ToArray();

    public static async Task<HalvingBenchmarkResult> RunAsync(TunableStrategy ladder, CountingChatClient counter, TuningData data, SearchPoint baseline, Func<SearchMethod, int, TuningOptions> options, PriceTable prices, int seeds, TextWriter log)
    {
        var candidates = Candidates(ladder.Space);
        counter.Reset();
        var grid = await new StrategyTuner(options(SearchMethod.Grid, 1), prices).TuneAsync(ladder, baseline, data, candidates);
        var gridCalls = counter.Calls;
        log.WriteLine($"  full grid: {grid.Candidates.Count} candidates × {data.Dev.Items.Count} dev items = {gridCalls:N0} model calls; choice {grid.Chosen} (dev {grid.ChosenDevMean:F4})");
        var runs = new List<HalvingRun>();
        foreach (var initialItems in InitialItems)
        {
            for (var seed = 1; seed <= seeds; seed++)
            {
                counter.Reset();
                var halvingOptions = options(SearchMethod.SuccessiveHalving, seed);
                halvingOptions.HalvingInitialItems = initialItems;
                halvingOptions.HalvingFactor = Factor;
                var halved = await new StrategyTuner(halvingOptions, prices).TuneAsync(ladder, baseline, data, candidates);
                var run = new HalvingRun(initialItems, seed, counter.Calls, halved.Rounds.Sum(r => r.UncachedRuns), halved.ChosenFingerprint == grid.ChosenFingerprint, halved.Chosen.Id, halved.ChosenDevMean, grid.ChosenDevMean - halved.ChosenDevMean, halved.Rounds.Select(r => (r.Candidates, r.Items)).ToArray());
                runs.Add(run);
                log.WriteLine($"  halving from {initialItems} items, seed {seed}: {run.ModelCalls:N0} model calls ({(double)gridCalls / run.ModelCalls:F1}× fewer), {(run.SameChoice ? "same choice" : $"chose {run.Chosen} (dev {run.ChosenDevMean:F4}, {run.Regret:F4} below the grid's)")}");
            }
        }

        return new HalvingBenchmarkResult(grid.Candidates.Count, data.Dev.Items.Count, gridCalls, grid.Chosen.Id, grid.ChosenDevMean, grid.Candidates.Take(6).ToArray(), runs);
    }
}
