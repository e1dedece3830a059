// Tune on dev, prove on test (issue 17), on SQuAD v1.1 part A with the offline extractive baseline, which is NOT a
// language model. Four parts, each writing its reports under --Output:
//   fusion  - the hybrid retriever's fusion method and weights tuned on the train split's relevance judgements (no model
//             calls), reported once on the test split against BM25 alone, the vector retriever alone and the default;
//   ladder  - the strategy ladder's settings searched by successive halving on dev, the choice reported once on test
//             against the hand-set best rung (samples/StrategyLadder's Rungs.cs, best on dev), with the winner's curse;
//   halving - the efficiency benchmark: the full grid against successive halving over several seeds, calls counted at the model;
//   grid    - a model × strategy grid with two deterministic stand-ins for models (priced differently; NOT language models).
// Usage: dotnet run --project samples/Tuning -- [--Data=path] [--Output=dir] [--Parts=fusion,ladder,halving,grid] [--HalvingSeeds=10]
using System.Diagnostics;
using System.Globalization;
using LlmStrategies.Baseline;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using LlmStrategies.Tuning;
using Microsoft.Extensions.Configuration;
using TuningSample;

var options = new TuningSampleOptions();
new ConfigurationBuilder().AddCommandLine(args).Build().Bind(options);
var dataPath = options.Data ?? FindAbove(Path.Combine("..", "shared", "data", "squad", "squad-v1.1-dev-part-a.json"));
if (dataPath is null || !File.Exists(dataPath))
{
    Console.Error.WriteLine("SQuAD part A was not found: pass --Data=path/to/squad-v1.1-dev-part-a.json (the repository's ../shared/data folder has it).");
    return 2;
}

Directory.CreateDirectory(options.Output);
var clock = Stopwatch.StartNew();
var summary = new SummaryWriter(options, dataPath, args);

// 1. The data and an honest split: by article, seeded, saved as a manifest.
var dataset = DatasetLoader.LoadSquad(dataPath);
var manifest = DatasetSplitter.Split(dataset, new SplitOptions { Seed = options.SplitSeed, GroupBy = "article", TrainFraction = 0.6, DevFraction = 0.2, TestFraction = 0.2 });
manifest.Save(Path.Combine(options.Output, "split.json"));
var splits = manifest.Apply(dataset);
summary.Split(dataset, splits);
Console.WriteLine(summary.SplitLine);

// 2. The components every configuration is built from (embeddings computed once per text).
var modelDirectory = options.EmbeddingModel ?? FindAbove(Path.Combine(".models", "use-lite"), directory: true);
using var localEmbeddings = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = modelDirectory, MaxDegreeOfParallelism = Environment.ProcessorCount });
using var embeddings = new MemoizingEmbeddingGenerator(localEmbeddings);
using var components = await LadderComponents.BuildAsync(dataset, splits, embeddings, options.Seed);
Console.WriteLine($"Indexed {components.Chunkings["paragraph"].Chunks.Count} paragraphs and {components.Chunkings["sentences-3"].Chunks.Count} 3-sentence windows (BM25, USE-Lite vectors, adapter-tuned vectors: {components.AdapterSummary}); few-shot pool {components.Pool.Count} train questions. {clock.Elapsed.TotalSeconds:F0} s");

// 3. Fusion tuned on the train split's judgements, per chunking (the ladder may use either); reported on test for paragraphs.
var fusionSearch = new HybridFusionSearch { Name = "hybrid fusion (BM25 + USE-Lite) on SQuAD paragraphs", Seed = options.Seed, Resamples = options.Resamples };
foreach (var corpus in components.Chunkings.Values)
{
    var tuning = await new HybridFusionTuner(fusionSearch).TuneAsync(corpus.HybridDefault, splits.Train);
    corpus.HybridTuned = tuning.Retriever;
    Console.WriteLine($"Fusion tuned on train ({corpus.Name}): {tuning.Method}, weights {string.Join(" : ", tuning.Weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)))}; train {tuning.MetricName} {tuning.TrainScore:F4} (default {tuning.UntunedTrainScore:F4}, {string.Join(", ", tuning.SingleRetrieverTrainScores.Select(s => $"{s.Key} alone {s.Value:F4}"))}).");
    if (corpus.Name == "paragraph" && options.Runs("fusion"))
    {
        var report = await tuning.EvaluateOnTestAsync(splits.Test);
        report.SaveAll(Path.Combine(options.Output, "fusion"));
        summary.Fusion(report, tuning);
        Console.WriteLine(report.Verdict[1]);
        Console.WriteLine(report.Verdict[3]);
    }
}

// 4. The ladder as a tunable strategy over the extractive baseline (every model call counted).
var counter = new CountingChatClient(new ExtractiveBaselineChatClient());
var defaults = new StrategyPipelineOptions
{
    Instructions = "Answer the question in one short sentence. When context is given, use only the context and cite it like [1].",
    MaxRepairAttempts = 0,
};
var space = LadderSpace.Create();
space.Save(Path.Combine(options.Output, "ladder-search-space.json"));
var ladder = new TunableStrategy("ladder", counter, space, (b, p) => LadderSpace.Configure(b, p, components), ExtractiveBaselineChatClient.ModelIdentifier, defaults);
var prices = new PriceTable("USD")
    .Set(ExtractiveBaselineChatClient.ModelIdentifier, new ModelPrice(0.15m, 0.075m, 0.60m))
    .Set(AnswerTrimmingChatClient.ModelIdentifier, new ModelPrice(0.40m, 0.20m, 1.60m));
prices.Save(Path.Combine(options.Output, "illustrative-prices.json"));
var data = TuningData.From(splits);
TuningOptions Options(SearchMethod method, int seed) => new()
{
    Name = "strategy ladder on SQuAD",
    Metric = SquadEvaluator.F1MetricName,
    Evaluators = { new SquadEvaluator() },
    Method = method,
    Seed = seed,
    Resamples = options.Resamples,
    MaxDegreeOfParallelism = options.Parallelism,
};

var handSet = LadderSpace.Rungs.Select(r => LadderSpace.HandSet(space, r)).ToArray();
SearchPoint? tuned = null;
SearchPoint? handSetBest = null;
if (options.Runs("ladder"))
{
    var cache = new InMemoryResponseCache();
    counter.Reset();
    var handSetResult = await new StrategyTuner(Options(SearchMethod.Grid, options.Seed), prices, cache).TuneAsync(ladder, handSet[0], data, handSet);
    handSetBest = handSetResult.Chosen;
    Console.WriteLine($"Hand-set rungs on dev ({splits.Dev.Items.Count} items): {string.Join("; ", handSetResult.Candidates.Select(c => $"{c.Point.GetString("rung")} {c.Mean:F4}"))}. Best: {handSetBest.GetString("rung")}. {counter.Calls:N0} model calls.");

    var halvingOptions = Options(SearchMethod.SuccessiveHalving, options.Seed);
    halvingOptions.HalvingInitialItems = LadderSpace.SearchInitialItems;
    halvingOptions.HalvingFactor = HalvingBenchmark.Factor;
    var tuner = new StrategyTuner(halvingOptions, prices, cache);
    var estimate = await tuner.EstimateAsync(ladder, handSetBest, data);
    Console.WriteLine($"Search: {space.GridSize:N0} points; pre-flight estimate {estimate}.");
    counter.Reset();
    var result = await tuner.TuneAsync(ladder, handSetBest, data);
    var searchCalls = counter.Calls;
    Console.WriteLine($"Chosen on dev: {result.Chosen} (dev {result.ChosenDevMean:F4} vs hand-set best {result.BaselineDevMean:F4}); {result.Candidates.Count} distinct candidates, {searchCalls:N0} model calls.");

    var references = handSet.Where(p => p != handSetBest).Select(p => new ExperimentStrategy(ladder.Build(p, "hand-set " + p.GetString("rung")), ladder.Model)).ToArray();
    var holdOut = await result.EvaluateOnTestAsync(splits.Test, references);
    holdOut.Report.SaveAll(Path.Combine(options.Output, "ladder"));
    holdOut.GateBaseline.Save(Path.Combine(options.Output, "ladder", "gate-baseline.json"));
    var configurationPath = Path.Combine(options.Output, "ladder", "tuned-configuration.json");
    result.ToConfiguration().Save(configurationPath);

    // Deploy check: the saved configuration rebuilds the strategy that was measured.
    var deployed = TunedConfiguration.Load(configurationPath).Build(ladder);
    Console.WriteLine($"Saved {configurationPath}; rebuilt fingerprint {deployed.Fingerprint} {(deployed.Fingerprint == result.ChosenFingerprint ? "matches" : "DOES NOT match")} the tuned one.");
    foreach (var line in holdOut.Report.Verdict.Take(3))
    {
        Console.WriteLine(line);
    }

    tuned = result.Chosen;
    summary.Ladder(holdOut.Report, handSetResult, result, searchCalls, estimate, deployed.Fingerprint == result.ChosenFingerprint);
}

// 5. Successive halving against the full grid, calls counted at the model.
if (options.Runs("halving"))
{
    Console.WriteLine("Successive halving against the full grid:");
    var benchmark = await HalvingBenchmark.RunAsync(ladder, counter, data, LadderSpace.HandSet(space, "rag-bm25"), Options, prices, options.HalvingSeeds, Console.Out);
    summary.Halving(benchmark);
}

// 6. The model × strategy grid with two stand-ins (NOT language models), on the test split.
if (options.Runs("grid"))
{
    var simple = LadderSpace.HandSet(space, "rag-bm25");
    var strategies = new List<GridStrategy> { GridStrategy.From("prompt-only", ladder, LadderSpace.HandSet(space, "prompt-only")), GridStrategy.From("rag-bm25 (hand-set)", ladder, simple) };
    if (tuned is not null && tuned != simple)
    {
        strategies.Add(GridStrategy.From("tuned ladder", ladder, tuned));
    }

    var oldModel = new GridModel("baseline (stand-in: current model)", new ExtractiveBaselineChatClient(), ExtractiveBaselineChatClient.ModelIdentifier);
    var newModel = new GridModel("trimmed baseline (stand-in: new model)", new AnswerTrimmingChatClient(new ExtractiveBaselineChatClient()), AnswerTrimmingChatClient.ModelIdentifier);
    var grid = new ModelStrategyGrid([oldModel, newModel], strategies, defaults);
    var gridOptions = new GridReportOptions { Name = "model × strategy grid on SQuAD test (stand-ins, not language models)", Metric = SquadEvaluator.F1MetricName, Resamples = options.Resamples, Seed = options.Seed };
    gridOptions.Questions.Add(new ModelSwitchQuestion(strategies[^1].Name, oldModel.Name, newModel.Name));
    var runner = new ExperimentRunner(new ExperimentOptions { Name = "model × strategy grid", MaxDegreeOfParallelism = options.Parallelism }, prices);
    var report = await grid.RunAsync(runner, splits.Test, [new SquadEvaluator()], gridOptions);
    report.SaveAll(Path.Combine(options.Output, "grid"));
    Console.WriteLine(report.Answers[0].Answer);
    summary.Grid(report);
}

summary.Save(Path.Combine(options.Output, "summary.md"), clock.Elapsed);
Console.WriteLine($"Done in {clock.Elapsed.TotalMinutes:F1} min. Summary: {Path.Combine(options.Output, "summary.md")}");
return 0;

static string? FindAbove(string relative, bool directory = false)
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, relative);
        if (directory ? Directory.Exists(candidate) : File.Exists(candidate))
        {
            return Path.GetFullPath(candidate);
        }
    }

    return null;
}
