using System.Globalization;
using System.Text.Json.Nodes;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Experiments;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Commands;

/// <summary>
/// <c>tune</c>: searches the rung settings of the config's <c>tune</c> section with the library's
/// <see cref="StrategyTuner"/> on the dev split (few-shot examples come from train; the test split is never touched),
/// and writes the chosen configuration as a tuned configuration file that <c>eval</c> runs as a rung
/// (<c>tuned: FILE</c>), checking that the rebuilt strategy is the one that was tuned.
/// </summary>
internal static class TuneCommand
{
    public static async Task<int> RunAsync(string configPath, bool jsonOutput, CliConsole console, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(configPath);
        var tune = config.Tune ?? throw new ConfigException([new ConfigError(configPath, new SourcePosition(1, 1), "the config has no 'tune' section.", "add 'tune:' with a 'space:' of the settings to search (see 'llmstrategies init').")]);
        using var setup = EvalCommand.LoadData(config);
        var space = RungSpace.Create(tune.Space);
        var model = config.Models.First(m => m.Name == tune.Model);
        try
        {
            await setup.BuildAsync([model], RungSpace.Retrievers(space).ToHashSet(), RungSpace.Selectors(space).ToHashSet(), cancellationToken).ConfigureAwait(false);
        }
        catch (LocalEmbeddingModelException ex)
        {
            throw new CommandFailure(ExitCodes.RuntimeError, $"The local embedding model (for vector/hybrid retrieval or semantic/MMR examples) is not available: {ex.Message}");
        }

        TuningData data;
        try
        {
            data = TuningData.From(setup.Splits);
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"{config.File}: the split cannot be tuned on: {ex.Message} Give dataset.split.dev a share (for example 0.2).");
        }

        var (client, modelId) = setup.Clients[model.Name];
        var tunable = new TunableStrategy("tuned", client, space, (b, p) => RungSpace.Configure(b, p, setup.Components), modelId, setup.Defaults);
        var options = new TuningOptions
        {
            Name = config.Name + "-tune",
            Metric = config.PrimaryMetric,
            Method = tune.Method switch { "random" => SearchMethod.Random, "halving" => SearchMethod.SuccessiveHalving, _ => SearchMethod.Grid },
            SampleSize = tune.Samples,
            Seed = config.Seed,
            Budget = config.Run.Budget,
            MaxDegreeOfParallelism = config.Run.Parallelism,
            RequestsPerSecond = config.Run.RequestsPerSecond,
            Repeats = config.Run.Repeats,
            Resamples = config.Run.Resamples,
        };
        foreach (var id in config.Evaluators)
        {
            options.Evaluators.Add(EvaluatorCatalog.Create(id));
        }

        Directory.CreateDirectory(config.Output);
        var cachePath = Path.Combine(config.Output, "cache", "responses.jsonl");
        using var cache = config.Run.Cache ? new JsonlResponseCache(cachePath) : null;
        var tuner = new StrategyTuner(options, setup.Prices(), cache, console.TimeProvider);
        var progress = new ProgressDisplay(console, "tune");
        TuningResult result;
        try
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config.Name}: tuning {space.GridSize} configurations ({options.Method}) with {model.Name} on {data.Dev.Items.Count} dev items; examples from {data.Train.Items.Count} train items."));
            result = await tuner.TuneAsync(tunable, RungSpace.Baseline(space), data, progress: progress.ForTuning(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Complete();
            throw new CommandFailure(ExitCodes.Cancelled, $"Cancelled. Finished responses are kept in {(cache is null ? "no cache (run.cache is false)" : cachePath)}; run the same command again to resume.");
        }
        catch (BudgetExceededException ex)
        {
            progress.Complete();
            throw new CommandFailure(ExitCodes.BudgetExceeded, $"{ex.Message} Raise run.budget, shrink tune.space, or use method: halving.");
        }

        progress.Complete();
        var tuned = result.ToConfiguration(console.TimeProvider);
        var directory = Path.GetDirectoryName(tune.Output);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        tuned.Save(tune.Output);
        var chosen = string.Join(", ", result.Chosen.Values.Select(v => $"{v.Key}={v.Value}"));
        if (jsonOutput)
        {
            var point = new JsonObject();
            foreach (var (key, value) in result.Chosen.ToDictionary())
            {
                point[key] = value;
            }

            console.Out.WriteLine(ResultJson.Write(new JsonObject
            {
                ["command"] = "tune",
                ["exitCode"] = ExitCodes.Success,
                ["output"] = tune.Output,
                ["metric"] = config.PrimaryMetric,
                ["chosen"] = point,
                ["chosenDevMean"] = ResultJson.Number(result.ChosenDevMean),
                ["baselineDevMean"] = ResultJson.Number(result.BaselineDevMean),
                ["candidates"] = result.Candidates.Count,
                ["uncachedRuns"] = result.UncachedRuns,
            }));
        }
        else
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Chosen on dev ({config.PrimaryMetric}): {chosen}: {result.ChosenDevMean:0.000} vs {result.BaselineDevMean:0.000} for the first configuration ({RungSpace.Baseline(space)}), over {result.Candidates.Count} candidates."));
            console.Out.WriteLine($"Wrote {tune.Output}. Use it as a rung:  - {{ name: tuned, tuned: {Path.GetRelativePath(Path.GetDirectoryName(config.File)!, tune.Output)} }}");
            console.Out.WriteLine("Its quality on the test split is what 'eval' measures; the dev score above is optimistic (it chose the configuration).");
        }

        return ExitCodes.Success;
    }
}
