// Fine-tuning as the measured last resort, offline. Commands:
//   dotnet run --project samples/FineTuning                       the walkthrough: export a train split (refusing test items), validate it,
//                                                                 estimate the training cost and the break-even call volume
//   dotnet run -c Release --project samples/FineTuning -- adapter [--out FILE] [--split-seeds 2,3]   train an embedding adapter on SQuAD
//                                                                 (../shared/data; a generated set otherwise) and measure it on held-out articles
//   dotnet run -c Release --project samples/FineTuning -- adapter-grid   the hyper-parameter search (development articles only)
// Adapter options: --rank --lr --temperature --batch --epochs --patience --weight-decay --hard-negatives --seed --split-seed --model-dir
using System.Globalization;
using FineTuningSample;
using LlmStrategies.FineTuning.EmbeddingAdapters;

var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "walkthrough";
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
double Number(string name, double fallback) => Option(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

var repository = Repository.FindRoot();
var shared = Environment.GetEnvironmentVariable("LLMSTRATEGIES_SHARED") ?? (repository is null ? null : Path.Combine(repository, "..", "shared"));
var modelDirectory = Option("--model-dir")
    ?? Environment.GetEnvironmentVariable("LLMSTRATEGIES_EMBEDDING_MODEL_DIR")
    ?? (repository is not null && Directory.Exists(Path.Combine(repository, ".models", "use-lite")) ? Path.Combine(repository, ".models", "use-lite") : null);

var defaults = new EmbeddingAdapterTrainingOptions();
var settings = new AdapterReportSettings
{
    SharedRoot = shared,
    ModelDirectory = modelDirectory,
    SplitSeed = (int)Number("--split-seed", 1),
    ExtraSplitSeeds = Option("--split-seeds")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() ?? [],
    CommandLine = "dotnet run -c Release --project samples/FineTuning -- " + string.Join(' ', args),
    Training = new EmbeddingAdapterTrainingOptions
    {
        Rank = (int)Number("--rank", defaults.Rank),
        MaxEpochs = (int)Number("--epochs", defaults.MaxEpochs),
        LearningRate = Number("--lr", defaults.LearningRate),
        Temperature = Number("--temperature", defaults.Temperature),
        BatchSize = (int)Number("--batch", defaults.BatchSize),
        WeightDecay = Number("--weight-decay", defaults.WeightDecay),
        Patience = (int)Number("--patience", defaults.Patience),
        Seed = (int)Number("--seed", defaults.Seed),
        HardNegativesPerQuery = (int)Number("--hard-negatives", defaults.HardNegativesPerQuery),
    },
};

switch (command)
{
    case "walkthrough":
        Walkthrough.Run(Console.Out, Option("--training-price") is { } price ? decimal.Parse(price, CultureInfo.InvariantCulture) : 3.00m);
        return 0;

    case "adapter":
        var report = AdapterReport.Run(settings, Console.Out);
        if (Option("--out") is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report);
            Console.WriteLine($"Report written to {output}");
        }
        else
        {
            Console.WriteLine(report);
        }

        return 0;

    case "adapter-grid":
        // The search that chose the defaults; it scores the development articles of the split, never the test articles.
        var grid = from rank in new[] { 16, 64 }
                   from weightDecay in new[] { 0.0, 1.0, 10.0 }
                   from batch in new[] { 128, 512 }
                   from hardNegatives in new[] { 0, 3 }
                   select new EmbeddingAdapterTrainingOptions { Rank = rank, LearningRate = 1e-4, WeightDecay = weightDecay, BatchSize = batch, HardNegativesPerQuery = hardNegatives, MaxEpochs = 80, Patience = 6 };
        AdapterReport.Grid(settings, Console.Out, grid);
        return 0;

    default:
        await Console.Error.WriteLineAsync($"Unknown command '{command}'. Use: walkthrough | adapter | adapter-grid.");
        return 2;
}
