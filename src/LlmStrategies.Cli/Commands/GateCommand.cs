using System.Text.Json.Nodes;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Commands;

/// <summary>The settings of one <c>gate</c> invocation.</summary>
internal sealed record GateArguments(string Baseline, string Current, IReadOnlyList<string> Metrics, double Tolerance = 0.01, double Alpha = 0.05, double ItemPassScore = 0.5, int Seed = 7, string? JUnit = null, string? Summary = null, bool JsonOutput = false);

/// <summary>
/// <c>gate</c>: compares a current report with a baseline report item by item (the library's <see cref="RegressionGate"/>:
/// a paired test per rung and metric, failing only on a significant drop beyond the tolerance, on errors, or on a
/// missing rung). Exit code 0 passed, 1 failed.
/// </summary>
internal static class GateCommand
{
    public static int Run(GateArguments arguments, CliConsole console)
    {
        var baseline = LoadReport(arguments.Baseline, "baseline");
        var current = LoadReport(arguments.Current, "current");
        var known = current.Strategies.SelectMany(s => s.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToArray();
        var metrics = new List<string>();
        foreach (var text in arguments.Metrics)
        {
            metrics.Add(ConfigLoader.ResolveMetric(text, known)
                ?? throw new CommandFailure(ExitCodes.ConfigError, $"--metric '{text}' is not a metric of {arguments.Current}; its metrics are {string.Join(", ", known.Select(m => $"'{m}'"))}."));
        }

        var gate = Evaluate(baseline, current, metrics, arguments.Tolerance, arguments.Alpha, arguments.Seed);
        var failing = FailingItems.Find(current, arguments.ItemPassScore);
        ReportOutputs.WriteCiFiles(arguments.JUnit, arguments.Summary, current.Name, current, gate, failing);
        var exitCode = gate.Passed ? ExitCodes.Success : ExitCodes.GateFailed;
        if (arguments.JsonOutput)
        {
            console.Out.WriteLine(ResultJson.Write(new JsonObject
            {
                ["command"] = "gate",
                ["exitCode"] = exitCode,
                ["baseline"] = Path.GetFullPath(arguments.Baseline),
                ["current"] = Path.GetFullPath(arguments.Current),
                ["gate"] = ResultJson.Gate(gate),
                ["failingItems"] = ResultJson.Failing(failing),
            }));
        }
        else
        {
            ReportOutputs.PrintGate(console.Out, gate);
        }

        return exitCode;
    }

    public static GateResult Evaluate(ExperimentReport baseline, ExperimentReport current, IReadOnlyList<string> metrics, double tolerance, double alpha, int seed)
    {
        var options = new RegressionGateOptions { Tolerance = tolerance, Alpha = alpha, Seed = seed };
        foreach (var metric in metrics)
        {
            options.Metrics.Add(metric);
        }

        try
        {
            return RegressionGate.Evaluate(baseline, current, options);
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailure(ExitCodes.ConfigError, ex.Message);
        }
    }

    /// <summary>Reads a report; a missing or foreign file is a usage error (2) that names the file.</summary>
    public static ExperimentReport LoadReport(string path, string role)
    {
        if (!File.Exists(path))
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"The {role} report '{path}' does not exist. Pass the report.json an earlier 'llmstrategies eval' wrote (in its output folder).");
        }

        try
        {
            return ExperimentReport.Load(path);
        }
        catch (Exception ex) when (ex is ExperimentFileException or InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"The {role} report '{path}' cannot be read: {ex.Message}");
        }
    }
}
