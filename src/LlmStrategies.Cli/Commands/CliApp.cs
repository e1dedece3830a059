using System.CommandLine;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Cli.Running;

namespace LlmStrategies.Cli.Commands;

/// <summary>The command tree (System.CommandLine) and the one place that turns failures into exit codes and messages.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var root = Build(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'llmstrategies --help' (or '<command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.ConfigError;
        }

        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    internal static RootCommand Build(CliConsole console)
    {
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json: one JSON object on standard output, for machines.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        output.Recursive = true;

        var root = new RootCommand("llmstrategies: config-driven evaluation of LLM strategies (prompt-only, few-shot, RAG, tuned) on held-out data. Exit codes: 0 ok, 1 gate failed, 2 config/usage error, 3 runtime error, 4 budget exceeded, 130 cancelled.");
        root.Options.Add(output);

        var initDir = new Option<string>("--dir") { Description = "The folder to write into.", DefaultValueFactory = _ => "." };
        var initJson = new Option<bool>("--json") { Description = "Write llmstrategies.json instead of llmstrategies.yaml." };
        var initForce = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var init = new Command("init", "Write a commented example config, its JSON Schema and a tiny dataset; then 'eval' runs offline at once.") { initDir, initJson, initForce };
        init.SetAction((p, _) => GuardAsync(console, p.GetValue(output) == "json", () => Task.FromResult(InitCommand.Run(p.GetRequiredValue(initDir), p.GetValue(initJson), p.GetValue(initForce), p.GetValue(output) == "json", console))));

        var config = new Option<string>("--config", "-c") { Description = "The config file (YAML, or JSON by its .json extension).", Required = true };
        var junit = new Option<string?>("--junit") { Description = "Write JUnit XML: a test case per gate check and per failing item × rung." };
        var summary = new Option<string?>("--summary") { Description = "Append a Markdown summary (for example to $GITHUB_STEP_SUMMARY)." };
        var evalBaseline = new Option<string?>("--baseline") { Description = "A report.json of an earlier run: gate this run against it (exit 1 on a failed gate)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not read or write the response cache." };
        var eval = new Command("eval", "Run every model × strategy on the test split and write report.json/.md/.html.") { config, evalBaseline, junit, summary, noCache };
        eval.SetAction((p, token) => GuardAsync(console, p.GetValue(output) == "json", () => EvalCommand.RunAsync(
            new EvalArguments(p.GetRequiredValue(config), p.GetValue(evalBaseline), p.GetValue(junit), p.GetValue(summary), p.GetValue(output) == "json", p.GetValue(noCache)), console, token)));

        var gateBaseline = new Option<string>("--baseline") { Description = "The baseline report.json.", Required = true };
        var gateCurrent = new Option<string>("--current") { Description = "The current report.json.", Required = true };
        var metric = new Option<string[]>("--metric") { Description = "A metric to gate (repeatable); default the baseline's primary metric.", AllowMultipleArgumentsPerToken = false };
        var tolerance = new Option<double>("--tolerance") { Description = "The largest drop tolerated even when significant.", DefaultValueFactory = _ => 0.01 };
        var alpha = new Option<double>("--alpha") { Description = "The significance level.", DefaultValueFactory = _ => 0.05 };
        var passScore = new Option<double>("--item-pass-score") { Description = "Items scoring below this on the primary metric are failing JUnit test cases.", DefaultValueFactory = _ => 0.5 };
        var gate = new Command("gate", "Compare a current run with a baseline run; exit 1 on a significant regression.") { gateBaseline, gateCurrent, metric, tolerance, alpha, passScore, junit, summary };
        gate.SetAction((p, _) => GuardAsync(console, p.GetValue(output) == "json", () => Task.FromResult(GateCommand.Run(
            new GateArguments(p.GetRequiredValue(gateBaseline), p.GetRequiredValue(gateCurrent), p.GetValue(metric) ?? [], p.GetValue(tolerance), p.GetValue(alpha), p.GetValue(passScore), JUnit: p.GetValue(junit), Summary: p.GetValue(summary), JsonOutput: p.GetValue(output) == "json"), console))));

        var compareBaseline = new Argument<string>("baseline") { Description = "The baseline report.json." };
        var compareCurrent = new Argument<string>("current") { Description = "The current report.json." };
        var compareMetric = new Option<string?>("--metric") { Description = "The metric to compare; default the current run's primary metric." };
        var limit = new Option<int>("--limit") { Description = "How many changed items to list.", DefaultValueFactory = _ => 20 };
        var compare = new Command("compare", "Show two runs side by side, with the items whose scores changed.") { compareBaseline, compareCurrent, compareMetric, limit };
        compare.SetAction((p, _) => GuardAsync(console, p.GetValue(output) == "json", () => Task.FromResult(CompareCommand.Run(p.GetRequiredValue(compareBaseline), p.GetRequiredValue(compareCurrent), p.GetValue(compareMetric), Math.Max(0, p.GetValue(limit)), p.GetValue(output) == "json", console))));

        var tune = new Command("tune", "Search the rung settings in the config's 'tune' section on the dev split; write a tuned configuration that eval can use as a rung.") { config };
        tune.SetAction((p, token) => GuardAsync(console, p.GetValue(output) == "json", () => TuneCommand.RunAsync(p.GetRequiredValue(config), p.GetValue(output) == "json", console, token)));

        var dataOut = new Option<string?>("--out") { Description = "The folder to write into; default the config's output folder." };
        var profile = new Command("profile", "Profile the config's dataset (counts, lengths, scripts, gaps, labels, exact duplicates, answerability, split leakage); no model calls.") { config, dataOut };
        profile.SetAction((p, token) => GuardAsync(console, p.GetValue(output) == "json", () => DataCommands.ProfileAsync(p.GetRequiredValue(config), p.GetValue(dataOut), p.GetValue(output) == "json", console, token)));

        var analyzeReport = new Option<string>("--report") { Description = "The report.json of an 'eval' run on this config.", Required = true };
        var analyzeStrategy = new Option<string?>("--strategy") { Description = "The rung to analyse; default the report's recommendation." };
        var analyze = new Command("analyze", "Find where a rung fails and what to fix first (slices, retrieval vs reading, ranked findings); no model calls.") { config, analyzeReport, analyzeStrategy, dataOut };
        analyze.SetAction((p, token) => GuardAsync(console, p.GetValue(output) == "json", () => DataCommands.AnalyzeAsync(p.GetRequiredValue(config), p.GetRequiredValue(analyzeReport), p.GetValue(analyzeStrategy), p.GetValue(dataOut), p.GetValue(output) == "json", console, token)));

        root.Subcommands.Add(init);
        root.Subcommands.Add(eval);
        root.Subcommands.Add(gate);
        root.Subcommands.Add(profile);
        root.Subcommands.Add(analyze);
        root.Subcommands.Add(compare);
        root.Subcommands.Add(tune);
        return root;
    }

    /// <summary>Maps failures to exit codes: config errors (every one, with position and fix) 2, known failures their code, anything else 3.</summary>
    private static async Task<int> GuardAsync(CliConsole console, bool json, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                await console.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync($"{ex.Errors.Count} config error(s); nothing ran.").ConfigureAwait(false);
            WriteJsonError(console, json, ExitCodes.ConfigError, ex.Errors.Select(e => e.ToString()));
            return ExitCodes.ConfigError;
        }
        catch (CommandFailure ex)
        {
            await console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            WriteJsonError(console, json, ex.ExitCode, [ex.Message]);
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            WriteJsonError(console, json, ExitCodes.Cancelled, ["cancelled"]);
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // the tool's last line of defence: one message and exit code 3, not a stack trace
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            WriteJsonError(console, json, ExitCodes.RuntimeError, [ex.Message]);
            return ExitCodes.RuntimeError;
        }
    }

    private static void WriteJsonError(CliConsole console, bool json, int exitCode, IEnumerable<string> errors)
    {
        if (json)
        {
            console.Out.WriteLine(Output.ResultJson.Write(new System.Text.Json.Nodes.JsonObject { ["exitCode"] = exitCode, ["errors"] = Output.ResultJson.Strings(errors) }));
        }
    }
}
