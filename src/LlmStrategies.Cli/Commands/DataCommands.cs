using System.Text.Json.Nodes;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;
using LlmStrategies.IO;

namespace LlmStrategies.Cli.Commands;

/// <summary>
/// <c>profile</c> and <c>analyze</c>: the library's data work (<see cref="DataWork"/>) on the config's dataset, split as
/// <c>eval</c> splits it. No model calls and no embeddings (exact duplicates only, no failure clusters), so both run
/// offline in seconds.
/// </summary>
internal static class DataCommands
{
    /// <summary><c>profile -c FILE</c>: counts, lengths, script mix, gaps, label balance, duplicates and answerability; writes profile.json and profile.md.</summary>
    public static async Task<int> ProfileAsync(string configPath, string? outputDirectory, bool jsonOutput, CliConsole console, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(configPath);
        using var setup = EvalCommand.LoadData(config);
        var profile = await DataWork.ProfileAsync(setup.Dataset, setup.Splits, new DataWorkOptions { Seed = config.Seed }, null, cancellationToken).ConfigureAwait(false);
        var directory = Path.GetFullPath(outputDirectory ?? config.Output);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "profile.json");
        var markdown = Path.Combine(directory, "profile.md");
        var text = DataWorkMarkdown.RenderProfile(profile);
        AtomicFile.WriteAllText(json, profile.ToJson());
        AtomicFile.WriteAllText(markdown, text);
        Write(console, jsonOutput, "profile", [json, markdown], text);
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>analyze -c FILE --report report.json</c>: where the report's recommended (or best) rung fails and what to fix
    /// first; writes data-work.json/.md/.html.
    /// </summary>
    public static async Task<int> AnalyzeAsync(string configPath, string reportPath, string? strategy, string? outputDirectory, bool jsonOutput, CliConsole console, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(configPath);
        var report = GateCommand.LoadReport(reportPath, "analysed");
        using var setup = EvalCommand.LoadData(config);
        DataWorkReport dataWork;
        try
        {
            dataWork = await DataWork.AnalyzeAsync(setup.Dataset, setup.Splits, report, new DataWorkOptions
            {
                Strategy = strategy ?? report.Recommendation?.Strategy,
                PrimaryMetric = report.Settings.PrimaryMetric,
                Seed = config.Seed,
            }, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"{reportPath} cannot be analysed against the dataset of {configPath}: {ex.Message}");
        }

        var paths = dataWork.SaveAll(Path.GetFullPath(outputDirectory ?? config.Output));
        Write(console, jsonOutput, "analyze", paths, DataWorkConsole.Summary(dataWork, top: 5));
        return ExitCodes.Success;
    }

    private static void Write(CliConsole console, bool jsonOutput, string command, IEnumerable<string> files, string text)
    {
        if (jsonOutput)
        {
            console.Out.WriteLine(ResultJson.Write(new JsonObject { ["command"] = command, ["exitCode"] = ExitCodes.Success, ["files"] = ResultJson.Strings(files) }));
            return;
        }

        console.Out.WriteLine(text);
        console.Out.WriteLine("Written: " + string.Join(", ", files));
    }
}
