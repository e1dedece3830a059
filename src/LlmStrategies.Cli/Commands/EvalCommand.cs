using System.Text.Json.Nodes;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Commands;

/// <summary>The settings of one <c>eval</c> invocation.</summary>
internal sealed record EvalArguments(string ConfigPath, string? Baseline = null, string? JUnit = null, string? Summary = null, bool JsonOutput = false, bool NoCache = false);

/// <summary>
/// <c>eval</c>: validates the config (all errors before any work), loads and splits the data, builds every model ×
/// strategy pipeline, estimates the cost, runs the experiment (resumable: response cache and checkpoint), writes
/// report.json/.md/.html, optionally gates against a baseline report and writes JUnit XML and a Markdown summary.
/// </summary>
internal static class EvalCommand
{
    public static async Task<int> RunAsync(EvalArguments arguments, CliConsole console, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(arguments.ConfigPath);

        // The baseline is read before this run writes anything, so pointing it at this run's own report compares
        // with the previous run, never with itself.
        var baseline = arguments.Baseline is null ? null : GateCommand.LoadReport(arguments.Baseline, "baseline");

        using var setup = LoadData(config);
        var output = config.Output;
        Directory.CreateDirectory(output);
        setup.Manifest.Save(Path.Combine(output, "split.json"));
        var (retrievers, selectors) = ExperimentSetup.Needs(config.Strategies);
        try
        {
            await setup.BuildAsync(config.Models, retrievers, selectors, cancellationToken).ConfigureAwait(false);
        }
        catch (LocalEmbeddingModelException ex)
        {
            throw new CommandFailure(ExitCodes.RuntimeError, $"The local embedding model (for vector/hybrid retrieval or semantic/MMR examples) is not available: {ex.Message}");
        }

        IReadOnlyList<ExperimentStrategy> strategies;
        try
        {
            strategies = setup.Strategies();
        }
        catch (TunedConfigurationMismatchException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"{config.File}: a tuned rung no longer matches what was tuned: {ex.Message}");
        }

        var cachePath = Path.Combine(output, "cache", "responses.jsonl");
        using var cache = config.Run.Cache && !arguments.NoCache ? new JsonlResponseCache(cachePath) : null;
        var checkpoint = Path.Combine(output, "checkpoint.jsonl");
        var runner = new ExperimentRunner(
            new ExperimentOptions
            {
                Name = config.Name,
                Repeats = config.Run.Repeats,
                MaxDegreeOfParallelism = config.Run.Parallelism,
                RequestsPerSecond = config.Run.RequestsPerSecond,
                Budget = config.Run.Budget,
                CheckpointPath = checkpoint,
            },
            setup.Prices(),
            cache,
            timeProvider: console.TimeProvider);
        var evaluators = config.Evaluators.Select(EvaluatorCatalog.Create).ToArray();

        ExperimentRun run;
        var progress = new ProgressDisplay(console, "eval");
        try
        {
            var estimate = await runner.EstimateAsync(strategies, setup.Test, evaluators, cancellationToken).ConfigureAwait(false);
            console.Error.WriteLine($"{config.Name}: {strategies.Count} strategies × {setup.Test.Items.Count} test items ({setup.Test.Sampling?.ToString() ?? "all of the test split"}). Pre-flight: {estimate}.");
            run = await runner.RunAsync(strategies, setup.Test, evaluators, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Complete();
            throw new CommandFailure(ExitCodes.Cancelled, $"Cancelled. Finished responses are kept in {(cache is null ? "the checkpoint" : cachePath)}; run the same command again to resume.");
        }
        catch (BudgetExceededException ex)
        {
            progress.Complete();
            throw new CommandFailure(ExitCodes.BudgetExceeded, $"{ex.Message} What ran is kept in the response cache; raise run.budget or sample fewer items (dataset.sample) and run again.");
        }
        catch (ExperimentFileException ex)
        {
            progress.Complete();
            throw new CommandFailure(ExitCodes.RuntimeError, $"{ex.Message} (The checkpoint {checkpoint} belongs to another configuration: delete it to start over.)");
        }

        progress.Complete();
        File.Delete(checkpoint); // finished: the checkpoint is only for resuming an interrupted run

        var report = ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = config.PrimaryMetric, Seed = config.Seed, Resamples = config.Run.Resamples });
        var paths = report.SaveAll(output);
        GateResult? gate = null;
        if (baseline is not null)
        {
            gate = GateCommand.Evaluate(baseline, report, config.Gate.Metrics, config.Gate.Tolerance, config.Gate.Alpha, config.Seed);
        }

        var failing = FailingItems.Find(report, config.Gate.ItemPassScore);
        ReportOutputs.WriteCiFiles(arguments.JUnit, arguments.Summary, config.Name, report, gate, failing);
        var exitCode = gate is { Passed: false } ? ExitCodes.GateFailed : ExitCodes.Success;
        var fromCache = run.Records.Count(r => r.FromCache);
        if (arguments.JsonOutput)
        {
            var result = new JsonObject
            {
                ["command"] = "eval",
                ["exitCode"] = exitCode,
                ["config"] = config.File,
                ["runId"] = report.RunId,
                ["reports"] = ResultJson.Strings(paths),
                ["runs"] = run.Records.Count,
                ["fromCache"] = fromCache,
                ["primaryMetric"] = report.Settings.PrimaryMetric,
                ["strategies"] = ResultJson.Strategies(report),
                ["recommendation"] = report.Recommendation?.Strategy,
                ["failingItems"] = ResultJson.Failing(failing),
            };
            if (gate is not null)
            {
                result["gate"] = ResultJson.Gate(gate);
            }

            console.Out.WriteLine(ResultJson.Write(result));
        }
        else
        {
            ReportOutputs.PrintTable(console.Out, report);
            console.Out.WriteLine($"{run.Records.Count} runs, {fromCache} answered from the response cache{(cache is null ? " (disabled)" : $" ({cachePath})")}; {failing.Count} failing item × rung pairs.");
            console.Out.WriteLine($"Reports: {string.Join(", ", paths)}");
            if (gate is not null)
            {
                ReportOutputs.PrintGate(console.Out, gate);
            }
        }

        return exitCode;
    }

    /// <summary>Loads the data; a malformed dataset is the user's input, so it is a config error (2) naming file and line.</summary>
    internal static ExperimentSetup LoadData(CliConfig config)
    {
        try
        {
            return ExperimentSetup.LoadData(config);
        }
        catch (DatasetFormatException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"{config.File}: the dataset cannot be loaded: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"{config.File}: the dataset cannot be used: {ex.Message}");
        }
    }
}
